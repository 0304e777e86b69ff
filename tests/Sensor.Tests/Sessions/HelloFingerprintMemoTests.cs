using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Parsing;
using Sensor.Protocols.Tls;
using Sensor.Protocols.Tls.Fingerprints;
using Sensor.Sessions.Tls;
using Sensor.Tests.Protocols.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions;

/// <summary>
/// The hello fingerprint memo of the tls event: whatever was remembered before, every hello gets the JA3, JA4 and offered
/// lists written out from its own fields (Ja3.WriteClient/WriteServer and the MD5 of that text, Ja4.Write, the list
/// readers), never another hello's.
/// </summary>
public sealed class HelloFingerprintMemoTests
{
    private static readonly ushort[] Greases = [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa];

    // Extension types the hello reader does not interpret, so empty data is well-formed for them.
    private static readonly ushort[] PlainTypes = [0x0005, 0x0012, 0x0015, 0x0016, 0x0017, 0x001b, 0x0023, 0x0031, 0x4469];

    [Fact]
    public void ClientFingerprints_SeededRandomHellos_RepeatedAndInterleaved_AlwaysTheirOwnText()
    {
        var random = new Random(3);
        var hellos = Enumerable.Range(0, 400).Select(_ => RandomClientHello(random)).ToList();

        // Each hello several times, far apart and close together, so hits, misses and evicted slots all occur.
        for (var round = 0; round < 3; round++)
        {
            foreach (var index in Enumerable.Range(0, 1200).Select(_ => random.Next(hellos.Count)))
            {
                AssertClientJa3(hellos[index]);
            }
        }
    }

    [Fact]
    public void ClientFingerprints_ValueMovedToTheNextSection_IsAnotherKey()
    {
        // Ciphers [a, b] + groups [c] against ciphers [a] + groups [b, c]: the same values in the same order.
        var first = Hello([0x1301, 0x1302], [0x0017], [0x001d], [0]);
        var second = Hello([0x1301], [0x0017], [0x1302, 0x001d], [0]);
        var (firstHash, firstText) = AssertClientJa3(first);
        var (secondHash, secondText) = AssertClientJa3(second);
        Assert.NotEqual(firstText, secondText);
        Assert.NotEqual(firstHash, secondHash);
        AssertClientJa3(first);
        AssertClientJa3(second);

        // Groups [23, 24] + point formats [0] against groups [23] + point formats [24, 0] (a group id that fits a byte).
        var (_, groupsText) = AssertClientJa3(Hello([0x1301], [0x0017], [0x0017, 0x0018], [0]));
        var (_, formatsText) = AssertClientJa3(Hello([0x1301], [0x0017], [0x0017], [0x18, 0]));
        Assert.Equal("771,4865,23-10-11,23-24,0", groupsText);
        Assert.Equal("771,4865,23-10-11,23,24-0", formatsText);
    }

    [Fact]
    public void ClientFingerprints_HellosDifferingOnlyInGrease_ShareTheRememberedStrings()
    {
        // JA3 leaves GREASE out, so these have one JA3; the second is answered from the memo (the same string objects).
        var plain = Hello([0x1301, 0xc02b], [0x0017, 0x0023], [0x001d], [0]);
        var greased = Hello([0x2a2a, 0x1301, 0xc02b], [0x3a3a, 0x0017, 0x0023, 0xfafa], [0x4a4a, 0x001d], [0]);
        var (plainHash, plainText) = AssertClientJa3(plain);
        var (greasedHash, greasedText) = AssertClientJa3(greased);
        Assert.Same(plainHash, greasedHash);
        Assert.Same(plainText, greasedText);
    }

    [Fact]
    public void ClientFingerprints_ExtensionOrderChanged_IsAnotherText()
    {
        var (_, forward) = AssertClientJa3(Hello([0x1301], [0x0017, 0x0023, 0x0005], [0x001d], [0]));
        var (_, backward) = AssertClientJa3(Hello([0x1301], [0x0005, 0x0023, 0x0017], [0x001d], [0]));
        Assert.Equal("771,4865,23-35-5-10-11,29,0", forward);
        Assert.Equal("771,4865,5-35-23-10-11,29,0", backward);
    }

    [Fact]
    public void ClientFingerprints_HelloLongerThanTheKeyCap_IsWrittenOutEveryTime()
    {
        var ciphers = Enumerable.Range(1, HelloMemoKey.MaxValues + 10).Select(i => (ushort)i).ToArray();
        var body = Hello(ciphers, [0x0017], [0x001d], [0]);
        var (firstHash, firstText) = AssertClientJa3(body);
        var (secondHash, secondText) = AssertClientJa3(body);
        Assert.Equal(firstText, secondText);
        Assert.Equal(firstHash, secondHash);
        Assert.NotSame(firstText, secondText); // not remembered: over the cap
    }

    [Fact]
    public void Ja3sOf_SeededRandomServerHellos_AlwaysTheirOwnText()
    {
        var random = new Random(5);
        var hellos = Enumerable.Range(0, 300).Select(_ => RandomServerHello(random)).ToList();
        for (var i = 0; i < 2000; i++)
        {
            var body = hellos[random.Next(hellos.Count)];
            var info = default(ServerHelloInfo);
            Assert.Equal(ParseStatus.Done, ServerHelloReader.Read(body, ref info));
            var text = new byte[Ja3.MaxTextLength(body.Length)];
            var length = Ja3.WriteServer(body, info, text, new char[Ja3.HashLength]);
            var expected = Encoding.ASCII.GetString(text, 0, length);

            var (hash, actual) = TlsHandshakeSummary.Ja3sOf(body, info);
            Assert.Equal(expected, actual);
            Assert.Equal(Md5(expected), hash);
        }
    }

    [Fact]
    public void ClientFingerprints_SeededRandomHellosWithJa4Fields_AlwaysTheirOwnJa4AndLists()
    {
        // The fields JA4 and the offered lists read beyond JA3's: SNI, ALPN, supported versions, signature algorithms,
        // each present or not, with GREASE; both transports, so a 'q' result is never given for a 't' hello.
        var random = new Random(7);
        var hellos = Enumerable.Range(0, 300).Select(_ => RandomJa4Hello(random)).ToList();
        for (var i = 0; i < 3000; i++)
        {
            AssertClientFingerprints(hellos[random.Next(hellos.Count)], random.Next(4) == 0 ? 'q' : 't');
        }
    }

    [Theory]
    [InlineData(false, new byte[0])]
    [InlineData(true, new byte[] { 0x00, 0x00 })]             // present, empty: JA4 has no '_' part
    [InlineData(true, new byte[] { 0x00, 0x02, 0x0a, 0x0a })] // GREASE only: JA4 writes '_' and nothing after it
    [InlineData(true, new byte[] { 0x00, 0x02, 0x04, 0x03 })]
    public void ClientFingerprints_SignatureAlgorithmsAbsentEmptyOrGreaseOnly_EachItsOwnJa4(bool present, byte[] data)
    {
        // The key holds the list's byte length as well as its GREASE-free values: these hellos differ in JA4 only there.
        var hello = new ClientHelloBuilder { Ciphers = [0x1301] };
        hello.Extension(0x0017, []);
        if (present)
        {
            hello.Extension(0x000d, data);
        }

        AssertClientFingerprints(hello.Body(), 't');
        AssertClientFingerprints(Hello([0x1301], [0x0017], [0x001d], [0]), 't'); // another hello between the repeats
        AssertClientFingerprints(hello.Body(), 't');
    }

    [Fact]
    public void ClientFingerprints_SameFieldsOtherServerName_ShareTheRememberedStrings()
    {
        // The name is not part of any fingerprint string, only whether one is sent: a hit, whatever the host.
        var first = ClientFingerprints(JaHello("api.anthropic.com"), 't');
        var second = ClientFingerprints(JaHello("api.openai.com"), 't');
        Assert.Same(first, second);
        Assert.NotSame(first, ClientFingerprints(JaHello(null), 't'));
        Assert.NotSame(first, ClientFingerprints(JaHello("api.anthropic.com"), 'q'));
        Assert.Equal(TlsBytes.Ja4(JaHello(null)), ClientFingerprints(JaHello(null), 't').Ja4);
    }

    private static byte[] JaHello(string? host)
    {
        var hello = new ClientHelloBuilder { Ciphers = [0x1301, 0x1302] };
        if (host is not null)
        {
            hello.Extension(0x0000, ClientHelloBuilder.Sni(host));
        }

        hello.Extension(0x0010, ClientHelloBuilder.Alpn("h2", "http/1.1"));
        hello.Extension(0x002b, ClientHelloBuilder.Versions(0x0304, 0x0303));
        hello.Extension(0x000d, ClientHelloBuilder.List16(0x0403, 0x0804));
        return hello.Body();
    }

    private static ClientHelloFingerprints ClientFingerprints(byte[] body, char transport)
    {
        var info = default(ClientHelloInfo);
        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        return TlsHandshakeSummary.ClientFingerprints(body, info, transport);
    }

    private static void AssertClientFingerprints(byte[] body, char transport)
    {
        var info = default(ClientHelloInfo);
        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        var (expectedText, expectedHash) = Ja3Tests.ClientJa3(body);
        var fingerprints = TlsHandshakeSummary.ClientFingerprints(body, info, transport);
        Assert.Equal(TlsBytes.Ja4(body, transport), fingerprints.Ja4);
        Assert.Equal(expectedText, fingerprints.Ja3Text);
        Assert.Equal(expectedHash, fingerprints.Ja3Hash);
        Assert.Equal(info.HasAlpn ? TlsHandshakeSummary.AlpnList(body[info.Alpn]) : [], fingerprints.Alpns);
        Assert.Equal(TlsHandshakeSummary.OfferedVersions(body, info), fingerprints.OfferedVersions);
    }

    private static byte[] RandomJa4Hello(Random random)
    {
        string[] protocols = ["h2", "http/1.1", "h3", "x", "spdy/3"];
        ushort Grease() => Greases[random.Next(Greases.Length)];
        var hello = new ClientHelloBuilder { Ciphers = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(6) == 0 ? Grease() : (ushort)(0x1301 + random.Next(3)))] };
        if (random.Next(2) == 0)
        {
            hello.Extension(0x0000, ClientHelloBuilder.Sni(random.Next(2) == 0 ? "a.example" : "b.example"));
        }

        if (random.Next(2) == 0)
        {
            hello.Extension(0x0010, ClientHelloBuilder.Alpn([.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => protocols[random.Next(protocols.Length)])]));
        }

        if (random.Next(2) == 0)
        {
            hello.Extension(0x002b, ClientHelloBuilder.Versions([.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(4) == 0 ? Grease() : (ushort)(0x0302 + random.Next(3)))]));
        }

        if (random.Next(2) == 0)
        {
            hello.Extension(0x000d, ClientHelloBuilder.List16([.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(4) == 0 ? Grease() : (ushort)(0x0401 + random.Next(3)))]));
        }

        if (random.Next(2) == 0)
        {
            hello.Extension(PlainTypes[random.Next(3)], []);
        }

        return hello.Body();
    }

    private static (string Hash, string Text) AssertClientJa3(byte[] body)
    {
        var (expectedText, expectedHash) = Ja3Tests.ClientJa3(body);
        Assert.Equal(Md5(expectedText), expectedHash);
        var info = default(ClientHelloInfo);
        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        var fingerprints = TlsHandshakeSummary.ClientFingerprints(body, info, 't');
        Assert.Equal(expectedText, fingerprints.Ja3Text);
        Assert.Equal(expectedHash, fingerprints.Ja3Hash);
        Assert.Equal(TlsBytes.Ja4(body), fingerprints.Ja4);
        return (fingerprints.Ja3Hash!, fingerprints.Ja3Text!);
    }

    private static byte[] Hello(ushort[] ciphers, ushort[] plainExtensions, ushort[] groups, byte[] formats)
    {
        var hello = new ClientHelloBuilder { Ciphers = [.. ciphers] };
        foreach (var type in plainExtensions)
        {
            hello.Extension(type, []);
        }

        hello.Extension(0x000a, ClientHelloBuilder.List16(groups));
        hello.Extension(0x000b, [(byte)formats.Length, .. formats]);
        return hello.Body();
    }

    private static byte[] RandomClientHello(Random random)
    {
        // Few distinct values, so that many hellos share prefixes and lengths (the cases a key mix-up would show).
        var hello = new ClientHelloBuilder
        {
            LegacyVersion = random.Next(4) == 0 ? (ushort)0x0301 : (ushort)0x0303,
            Ciphers = [.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(5) == 0 ? Greases[random.Next(Greases.Length)] : (ushort)(0x1301 + random.Next(4)))],
        };
        foreach (var type in Enumerable.Range(0, random.Next(0, 5)).Select(_ => random.Next(5) == 0 ? Greases[random.Next(Greases.Length)] : PlainTypes[random.Next(4)]))
        {
            hello.Extension(type, []);
        }

        if (random.Next(3) > 0)
        {
            hello.Extension(0x000a, ClientHelloBuilder.List16([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(5) == 0 ? Greases[random.Next(Greases.Length)] : (ushort)(0x0017 + random.Next(3)))]));
        }

        if (random.Next(3) > 0)
        {
            var formats = Enumerable.Range(0, random.Next(1, 3)).Select(_ => (byte)random.Next(3)).ToArray();
            hello.Extension(0x000b, [(byte)formats.Length, .. formats]);
        }

        return hello.Body();
    }

    private static byte[] RandomServerHello(Random random)
    {
        var extensions = new List<byte>();
        foreach (var type in Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(5) == 0 ? Greases[random.Next(Greases.Length)] : PlainTypes[random.Next(4)]))
        {
            ClientHelloBuilder.U16(extensions, type);
            ClientHelloBuilder.U16(extensions, 0);
        }

        var body = new List<byte>();
        ClientHelloBuilder.U16(body, random.Next(4) == 0 ? (ushort)0x0301 : (ushort)0x0303);
        body.AddRange(Enumerable.Repeat((byte)0x42, 32));
        body.Add(0); // session id
        ClientHelloBuilder.U16(body, (ushort)(0xc02b + random.Next(3)));
        body.Add(0); // compression
        ClientHelloBuilder.U16(body, (ushort)extensions.Count);
        body.AddRange(extensions);
        return [.. body];
    }

#pragma warning disable CA5351 // JA3 is defined over MD5
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(text)));
#pragma warning restore CA5351
}
