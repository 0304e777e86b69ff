using System.Text;
using Sensor.Core.Parsing;
using Sensor.Protocols.Tls;
using Sensor.Protocols.Tls.Fingerprints;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Tls;

public sealed class ClientHelloReaderTests
{
    [Fact]
    public void CaptureVector_ParsesEveryFieldJa4AndJa3Read()
    {
        var body = TlsVectors.AnthropicClientHelloBody;
        Assert.Equal(385, TlsVectors.AnthropicClientHelloRecords.Length - 5);

        var info = default(ClientHelloInfo);
        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));

        Assert.Equal(0x0303, info.LegacyVersion);
        Assert.Equal(32, body[info.SessionId].Length);
        Assert.Equal(59 * 2, body[info.CipherSuites].Length);
        Assert.Equal(11, info.ExtensionCount);
        Assert.True(info.HasServerName);
        Assert.Equal("api.anthropic.com", Encoding.ASCII.GetString(body[info.ServerName]));
        Assert.True(info.HasAlpn);
        Assert.Equal([8, .. "http/1.1"u8], body[info.Alpn].ToArray());
        Assert.True(info.HasSupportedVersions);
        Assert.Equal([0x03, 0x04, 0x03, 0x03], body[info.SupportedVersions].ToArray());
        Assert.True(info.HasSignatureAlgorithms);
        Assert.Equal([0, 1, 2], body[info.PointFormats].ToArray());
        Assert.False(info.HasEncryptedClientHello);

        Assert.Equal(TlsVectors.AnthropicJa4, TlsBytes.Ja4(body));
        var text = new byte[Ja3.MaxTextLength(body.Length)];
        var hash = new char[Ja3.HashLength];
        var length = Ja3.WriteClient(body, info, text, hash);
        Assert.Equal(TlsVectors.AnthropicJa3String, Encoding.ASCII.GetString(text, 0, length));
        Assert.Equal(TlsVectors.AnthropicJa3, new string(hash));
    }

    [Fact]
    public void MinimalVector_ParsesToRangesIntoTheBody()
    {
        var body = TlsVectors.s_minimalClientHello;
        var info = default(ClientHelloInfo);

        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));

        Assert.Equal(2..34, info.Random);
        Assert.Equal("a.io", Encoding.ASCII.GetString(body[info.ServerName]));
        Assert.Equal([0x13, 0x01], body[info.CipherSuites].ToArray());
        Assert.Equal([0x00, 0x1D], body[info.SupportedGroups].ToArray());
        Assert.Equal([0x04, 0x03], body[info.SignatureAlgorithms].ToArray());
        Assert.Equal(5, info.ExtensionCount);
        Assert.Equal("t13d0105h2_" + Ja4Tests.Sha12("1301") + "_" + Ja4Tests.Sha12("000a,000d,002b_0403"), TlsBytes.Ja4(body));
    }

    [Fact]
    public void HelloWithoutExtensionsBlock_IsDone_WithNoSni()
    {
        var body = new ClientHelloBuilder { LegacyVersion = 0x0300, Ciphers = [0x000a], NoExtensionsBlock = true }.Body();
        var info = default(ClientHelloInfo);

        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        Assert.False(info.HasServerName);
        Assert.Equal(0, info.ExtensionCount);
        Assert.Equal("ts3i010000_" + Ja4Tests.Sha12("000a") + "_000000000000", TlsBytes.Ja4(body));
    }

    [Fact]
    public void EmptyServerNameExtension_CountsAsSniPresent_WithoutAName()
    {
        var body = new ClientHelloBuilder { Ciphers = [0x1301] }.Extension(0x0000, []).Body();
        var info = default(ClientHelloInfo);

        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        Assert.True(info.HasServerName);
        Assert.Empty(body[info.ServerName]);
    }

    [Fact]
    public void EncryptedClientHelloExtension_IsNoted()
    {
        var body = new ClientHelloBuilder { Ciphers = [0x1301] }.Extension(0xFE0D, [0x00, 0x01, 0x02]).Body();
        var info = default(ClientHelloInfo);

        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        Assert.True(info.HasEncryptedClientHello);
    }

    public static TheoryData<string, byte[]> MalformedHellos => new()
    {
        { "shorter than version + random + session id length", new byte[34] },
        { "session id longer than 32", new ClientHelloBuilder { SessionId = new byte[33], Ciphers = [0x1301] }.Body() },
        { "odd cipher_suites length", Patch(new ClientHelloBuilder { Ciphers = [0x1301, 0x1302] }.Body(), 35, [0x00, 0x03]) },
        { "cipher_suites longer than the body", Patch(new ClientHelloBuilder { Ciphers = [0x1301] }.Body(), 35, [0x01, 0x00]) },
        { "extensions block longer than the body", Patch(TlsVectors.s_minimalClientHello, 41, [0x00, 0x2E]) },
        { "extension longer than the block", Patch(TlsVectors.s_minimalClientHello, 45, [0x00, 0x40]) },
        { "SNI list length disagrees with the extension", Patch(TlsVectors.s_minimalClientHello, 47, [0x00, 0x08]) },
        { "SNI name runs past its list", Patch(TlsVectors.s_minimalClientHello, 50, [0x00, 0x05]) },
        { "ALPN list length disagrees with the extension", Patch(TlsVectors.s_minimalClientHello, 60, [0x00, 0x04]) },
        { "supported_versions odd length", new ClientHelloBuilder { Ciphers = [0x1301] }.Extension(0x002B, [0x03, 0x03, 0x04, 0x03]).Body() },
        { "signature_algorithms odd length", new ClientHelloBuilder { Ciphers = [0x1301] }.Extension(0x000D, [0x00, 0x01, 0x04]).Body() },
        { "ec_point_formats length disagrees", new ClientHelloBuilder { Ciphers = [0x1301] }.Extension(0x000B, [0x02, 0x00]).Body() },
        { "three stray bytes in the extensions block", AppendToExtensions(TlsVectors.s_minimalClientHello, [0x00, 0x01, 0x00]) },
    };

    [Theory]
    [MemberData(nameof(MalformedHellos))]
    public void MalformedHello_IsInvalid(string why, byte[] body)
    {
        var info = default(ClientHelloInfo);
        Assert.True(ClientHelloReader.Read(body, ref info) == ParseStatus.Invalid, why);
    }

    /// <summary>Property (a): every prefix of a real hello gives a status, never an exception; a cut inside the extensions is Invalid.</summary>
    [Fact]
    public void EveryPrefix_GivesAStatus_AndCutsInsideTheExtensionsAreInvalid()
    {
        var body = TlsVectors.AnthropicClientHelloBody;
        var info = default(ClientHelloInfo);
        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        var extensionsStart = info.Extensions.Start.Value - 2;

        for (var length = 0; length < body.Length; length++)
        {
            var status = ClientHelloReader.Read(body.AsSpan(0, length), ref info);
            if (length == extensionsStart)
            {
                Assert.Equal(ParseStatus.Done, status); // exactly a hello without extensions
            }
            else
            {
                Assert.True(status == ParseStatus.Invalid, $"prefix {length}: {status}");
            }
        }
    }

    /// <summary>Property (d): truncation plus a random suffix, and random byte flips, never throw (seeded; mitmproxy's test_tls_fuzz idea).</summary>
    [Fact]
    public void TruncationWithGarbage_AndMutations_NeverThrow()
    {
        var random = new Random(20261124);
        var bodies = new[] { TlsVectors.AnthropicClientHelloBody, TlsVectors.s_minimalClientHello, TlsVectors.SpecExample().Body() };
        Span<char> ja4 = stackalloc char[Ja4.Length];
        var text = new byte[4096];
        var hash = new char[Ja3.HashLength];
        for (var i = 0; i < 1500; i++)
        {
            var source = bodies[i % bodies.Length];
            var input = i % 2 == 0
                ? Segments.TruncateWithGarbage(source, random, random.Next(source.Length + 1), random.Next(0, 64))
                : Segments.Mutate(source, random, random.Next(1, 6));
            var info = default(ClientHelloInfo);
            var status = ClientHelloReader.Read(input, ref info);
            Assert.True(Enum.IsDefined(status));
            if (status == ParseStatus.Done)
            {
                // A hello the reader accepts must also fingerprint without throwing.
                Ja4.Write(input, info, 't', ja4);
                Ja3.WriteClient(input, info, text.AsSpan(0, Ja3.MaxTextLength(input.Length)), hash);
            }
        }
    }

    private static byte[] Patch(byte[] body, int offset, byte[] bytes)
    {
        var copy = (byte[])body.Clone();
        bytes.CopyTo(copy, offset);
        return copy;
    }

    private static byte[] AppendToExtensions(byte[] body, byte[] extra)
    {
        var copy = body.Concat(extra).ToArray();
        var length = (copy[41] << 8 | copy[42]) + extra.Length;
        copy[41] = (byte)(length >> 8);
        copy[42] = (byte)length;
        return copy;
    }
}
