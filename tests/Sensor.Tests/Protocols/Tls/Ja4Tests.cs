using System.Security.Cryptography;
using System.Text;
using Sensor.Protocols.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Tls;

/// <summary>JA4 (conformance/ja4/JA4-spec.md) on hand-built hellos: the spec's example and each rule of its "Details".</summary>
public sealed class Ja4Tests
{
    private const string SpecCipherHash = "8daaf6152771";
    private const string SpecExtensionHash = "e5627efa2ab1";

    /// <summary>The spec's sorted extension list (SNI and ALPN removed), without signature algorithms: hashed to 6d807ffa2a79 there.</summary>
    private const string SpecExtensionsNoSignatures = "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01";

    /// <summary>First 12 hex characters of SHA-256: JA4's truncated hash, computed independently of the sensor.</summary>
    internal static string Sha12(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(text)))[..12];

    [Fact]
    public void SpecExample_GivesTheSpecsFingerprint()
    {
        Assert.Equal(TlsVectors.SpecExampleJa4, TlsBytes.Ja4(TlsVectors.SpecExample().Body()));
    }

    [Fact]
    public void SpecHashes_AreSha256Prefixes_OfTheSpecsStrings()
    {
        // The spec's worked strings, so the expectations above are not only copied from it.
        Assert.Equal(SpecCipherHash, Sha12("002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"));
        Assert.Equal(SpecExtensionHash, Sha12(SpecExtensionsNoSignatures + "_0403,0804,0401,0503,0805,0501,0806,0601"));
        Assert.Equal("6d807ffa2a79", Sha12(SpecExtensionsNoSignatures));
    }

    [Fact]
    public void QuicTransport_OnlyChangesTheFirstCharacter()
    {
        Assert.Equal("q" + TlsVectors.SpecExampleJa4[1..], TlsBytes.Ja4(TlsVectors.SpecExample().Body(), 'q'));
    }

    [Fact]
    public void NoAlpnExtension_Prints00()
    {
        var hello = TlsVectors.SpecExample();
        hello.Extensions.RemoveAll(e => e.Type == 0x0010);

        Assert.Equal("t13d1515" + "00_" + SpecCipherHash + "_" + SpecExtensionHash, TlsBytes.Ja4(hello.Body()));
    }

    [Fact]
    public void EmptyAlpnList_AndEmptyFirstValue_Print00()
    {
        var emptyList = WithExtension(TlsVectors.SpecExample(), 0x0010, [0x00, 0x00]);
        var emptyFirst = WithExtension(TlsVectors.SpecExample(), 0x0010, ClientHelloBuilder.AlpnRaw([], "h2"u8.ToArray()));

        Assert.Equal("t13d151600_" + SpecCipherHash + "_" + SpecExtensionHash, TlsBytes.Ja4(emptyList.Body()));
        Assert.Equal("t13d151600_" + SpecCipherHash + "_" + SpecExtensionHash, TlsBytes.Ja4(emptyFirst.Body()));
    }

    [Theory]
    [InlineData("http/1.1", "h1")]
    [InlineData("h3", "h3")]
    [InlineData("h", "hh")] // a single character is both the first and the last
    [InlineData("spdy/3.1", "s1")]
    public void AlpnPart_IsTheFirstAndLastCharacterOfTheFirstValue(string first, string expected)
    {
        var hello = WithExtension(TlsVectors.SpecExample(), 0x0010, ClientHelloBuilder.Alpn(first, "h2"));
        Assert.Equal("t13d1516" + expected, TlsBytes.Ja4(hello.Body())[..10]);
    }

    [Theory]
    [InlineData(new byte[] { 0xBA, 0xAD }, "99")]
    [InlineData(new byte[] { (byte)'h', 0xFF }, "h9")]
    [InlineData(new byte[] { 0x20, (byte)'a' }, "9a")]
    [InlineData(new byte[] { (byte)'-' }, "99")]
    public void NonAlphanumericAlpnBytes_Print9_AsFoxIOsImplementationsDo(byte[] value, string expected)
    {
        // JA4-spec.md now describes a hex rule; the Rust/Python/Wireshark implementations (and the corpus's
        // tls-non-ascii-alpn.pcapng, 0xbaad -> "99") print '9'. The sensor follows the implementations.
        var hello = WithExtension(TlsVectors.SpecExample(), 0x0010, ClientHelloBuilder.AlpnRaw(value));
        Assert.Equal("t13d1516" + expected, TlsBytes.Ja4(hello.Body())[..10]);
    }

    [Fact]
    public void NoSni_PrintsI_AndLeavesTheExtensionHashAlone()
    {
        var hello = TlsVectors.SpecExample();
        hello.Extensions.RemoveAll(e => e.Type == 0x0000);

        Assert.Equal("t13i1515h2_" + SpecCipherHash + "_" + SpecExtensionHash, TlsBytes.Ja4(hello.Body()));
    }

    [Fact]
    public void GreaseValues_AreIgnoredEverywhere()
    {
        var hello = TlsVectors.SpecExample();
        hello.Ciphers.Insert(0, 0x0A0A);
        hello.Ciphers.Add(0xFAFA);
        hello.Extensions.Insert(0, (0x1A1A, []));
        hello.Extensions.Add((0xDADA, [0x00]));
        hello.Extensions[hello.Extensions.FindIndex(e => e.Type == 0x002B)] = (0x002B, ClientHelloBuilder.Versions(0x3A3A, 0x0304, 0x0303));
        hello.Extensions[hello.Extensions.FindIndex(e => e.Type == 0x000D)] = (0x000D, ClientHelloBuilder.List16([0x4A4A, .. TlsVectors.SpecSignatureAlgorithms]));

        Assert.Equal(TlsVectors.SpecExampleJa4, TlsBytes.Ja4(hello.Body()));
    }

    [Fact]
    public void GreaseHighestSupportedVersion_IsNotTheVersion()
    {
        var hello = WithExtension(TlsVectors.SpecExample(), 0x002B, ClientHelloBuilder.Versions(0x7A7A, 0x0303));
        Assert.StartsWith("t12d", TlsBytes.Ja4(hello.Body()), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptySignatureAlgorithms_HashTheExtensionsWithoutAnUnderscore()
    {
        // The spec: "If there are no signature algorithms in the hello packet, then the string ends without an underscore".
        var hello = WithExtension(TlsVectors.SpecExample(), 0x000D, ClientHelloBuilder.List16());
        Assert.Equal("t13d1516h2_" + SpecCipherHash + "_6d807ffa2a79", TlsBytes.Ja4(hello.Body()));
    }

    [Fact]
    public void NoSignatureAlgorithmsExtension_HashesTheSortedExtensionsAlone()
    {
        var hello = TlsVectors.SpecExample();
        hello.Extensions.RemoveAll(e => e.Type == 0x000D);
        var withoutSigAlgs = SpecExtensionsNoSignatures.Replace("000d,", "", StringComparison.Ordinal);

        Assert.Equal("t13d1515h2_" + SpecCipherHash + "_" + Sha12(withoutSigAlgs), TlsBytes.Ja4(hello.Body()));
        Assert.NotEqual(Sha12(withoutSigAlgs + "_"), Sha12(withoutSigAlgs));
    }

    [Fact]
    public void EmptyCipherList_Gives000000000000()
    {
        var hello = TlsVectors.SpecExample();
        hello.Ciphers = [];
        Assert.Equal("t13d0016h2_000000000000_" + SpecExtensionHash, TlsBytes.Ja4(hello.Body()));
    }

    [Fact]
    public void OnlyGreaseCiphers_Give000000000000()
    {
        var hello = TlsVectors.SpecExample();
        hello.Ciphers = [0x2A2A];
        Assert.Equal("t13d0016h2_000000000000_" + SpecExtensionHash, TlsBytes.Ja4(hello.Body()));
    }

    [Fact]
    public void OnlySniAndAlpnExtensions_GiveAnEmptyExtensionHash()
    {
        var hello = new ClientHelloBuilder { Ciphers = [0x1301] }
            .Extension(0x0000, ClientHelloBuilder.Sni("example.com"))
            .Extension(0x0010, ClientHelloBuilder.Alpn("h2"));
        Assert.Equal("t12d0102h2_" + Sha12("1301") + "_000000000000", TlsBytes.Ja4(hello.Body()));
    }

    [Fact]
    public void CountsAbove99_AreCappedAt99()
    {
        var hello = new ClientHelloBuilder { Ciphers = [.. Enumerable.Range(1, 120).Select(i => (ushort)i)] };
        foreach (var type in Enumerable.Range(0x1000, 105))
        {
            hello.Extension((ushort)type, []);
        }

        Assert.StartsWith("t12i999900_", TlsBytes.Ja4(hello.Body()), StringComparison.Ordinal);
    }

    [Fact]
    public void ManyCiphersAndExtensions_HashAllOfThem()
    {
        // 300 ciphers and 150 extensions: more than the stack buffers hold, so the pooled path is taken.
        var ciphers = Enumerable.Range(0, 300).Select(i => (ushort)(0xC000 + ((i * 7919) % 300))).ToList();
        var types = Enumerable.Range(0, 150).Select(i => (ushort)(0x2000 + ((i * 37) % 150))).ToList();
        var hello = new ClientHelloBuilder { Ciphers = ciphers };
        types.ForEach(t => hello.Extension(t, []));

        var expectedCiphers = Sha12(string.Join(',', ciphers.Order().Select(c => c.ToString("x4"))));
        var expectedExtensions = Sha12(string.Join(',', types.Order().Select(c => c.ToString("x4"))));
        Assert.Equal("t12i999900_" + expectedCiphers + "_" + expectedExtensions, TlsBytes.Ja4(hello.Body()));
    }

    [Theory]
    [InlineData((ushort)0x0304, "13")]
    [InlineData((ushort)0x0303, "12")]
    [InlineData((ushort)0x0302, "11")]
    [InlineData((ushort)0x0301, "10")]
    [InlineData((ushort)0x0300, "s3")]
    [InlineData((ushort)0x0002, "s2")]
    [InlineData((ushort)0xFEFD, "d2")]
    [InlineData((ushort)0x7F1C, "00")]
    public void WithoutSupportedVersions_TheLegacyVersionCounts(ushort legacy, string expected)
    {
        var hello = new ClientHelloBuilder { LegacyVersion = legacy, Ciphers = [0x002F] };
        Assert.Equal("t" + expected, TlsBytes.Ja4(hello.Body())[..3]);
    }

    [Fact]
    public void SupportedVersions_WinOverTheLegacyVersion_HighestFirst()
    {
        var hello = new ClientHelloBuilder { LegacyVersion = 0x0303, Ciphers = [0x1301] }.Extension(0x002B, ClientHelloBuilder.Versions(0x0303, 0x0304, 0x0302));
        Assert.Equal("t13", TlsBytes.Ja4(hello.Body())[..3]);
    }

    private static ClientHelloBuilder WithExtension(ClientHelloBuilder hello, ushort type, byte[] data)
    {
        hello.Extensions[hello.Extensions.FindIndex(e => e.Type == type)] = (type, data);
        return hello;
    }
}
