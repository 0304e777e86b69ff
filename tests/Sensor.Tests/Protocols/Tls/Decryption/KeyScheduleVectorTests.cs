using System.Security.Cryptography;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Tests.Protocols.Tls.Decryption;

/// <summary>Key derivation against published vectors: RFC 8448 §3 (TLS 1.3 traffic keys) and the TLS WG PRF vectors (msg03416).</summary>
public sealed class KeyScheduleVectorTests
{
    // RFC 8448 §3 "Simple 1-RTT Handshake", TLS_AES_128_GCM_SHA256: traffic secret -> write key, write iv.
    [Theory]
    [InlineData("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", "3fce516009c21727d0f2e4e86ee403bc", "5d313eb2671276ee13000b30")] // server handshake
    [InlineData("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", "dbfaa693d1762c5b666af5d950258d01", "5bd3c71b836e0b76bb73265f")] // client handshake
    [InlineData("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643", "9f02283b6c9c07efc26bb9f2ac92e356", "cf782b88dd83549aadf1e984")] // server application
    [InlineData("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5", "17422dda596ed5d9acd890e3c63f5051", "5b78923dee08579033e523d9")] // client application
    public void TrafficKeys_MatchRfc8448(string secret, string key, string iv)
    {
        var k = new byte[16];
        var i = new byte[12];

        Tls13KeySchedule.TrafficKeys(HashAlgorithmName.SHA256, Convert.FromHexString(secret), k, i);

        Assert.Equal(key, Convert.ToHexStringLower(k));
        Assert.Equal(iv, Convert.ToHexStringLower(i));
    }

    [Fact]
    public void ExpandLabel_WithContext_EqualsHkdfExpandOverTheHkdfLabelStructure()
    {
        // RFC 8446 §7.1 layout written out by hand: uint16 length, uint8 label length, "tls13 " + label, uint8 context length, context.
        var secret = Convert.FromHexString("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        byte[] context = [1, 2, 3, 4, 5];
        byte[] info = [0, 32, 6 + 8, .. "tls13 finished"u8, 5, .. context];
        var expected = HKDF.Expand(HashAlgorithmName.SHA256, secret, 32, info);
        var actual = new byte[32];

        Tls13KeySchedule.ExpandLabel(HashAlgorithmName.SHA256, secret, "finished"u8, context, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void NextTrafficSecret_IsExpandLabelTrafficUpd_AndDiffersEachGeneration()
    {
        var secret = Convert.FromHexString("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
        byte[] info = [0, 32, 6 + 11, .. "tls13 traffic upd"u8, 0];
        var next = new byte[32];

        Tls13KeySchedule.NextTrafficSecret(HashAlgorithmName.SHA256, secret, next);

        Assert.Equal(HKDF.Expand(HashAlgorithmName.SHA256, secret, 32, info), next);
        Assert.NotEqual(secret, next);
    }

    [Fact]
    public void Prf_Sha256_MatchesTheTlsWorkingGroupVector()
    {
        var output = new byte[100];

        Tls12KeyExpansion.Prf(HashAlgorithmName.SHA256, Convert.FromHexString("9bbe436ba940f017b17652849a71db35"), "test label"u8, Convert.FromHexString("a0ba9f936cda311827a6f796ffd5198c"), output);

        Assert.Equal(
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab" +
            "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66",
            Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Prf_Sha384_MatchesTheTlsWorkingGroupVector()
    {
        var output = new byte[148];

        Tls12KeyExpansion.Prf(HashAlgorithmName.SHA384, Convert.FromHexString("b80b733d6ceefcdc71566ea48e5567df"), "test label"u8, Convert.FromHexString("cd665cf6a8447dd6ff8b27555edb7465"), output);

        Assert.Equal(
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd" +
            "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6" +
            "91c8f3a26854308d5eaa3be85e0990703d73e56f",
            Convert.ToHexStringLower(output));
    }

    [Fact]
    public void KeyBlock_SplitsClientAndServerKeysInRfc5246Order()
    {
        Assert.True(TlsCipherSuite.TryGet(0xC013, out var suite)); // AES_128_CBC_SHA: mac 20, key 16, no fixed IV
        var master = Enumerable.Range(0, 48).Select(i => (byte)i).ToArray();
        var clientRandom = Enumerable.Repeat((byte)0xC1, 32).ToArray();
        var serverRandom = Enumerable.Repeat((byte)0x5E, 32).ToArray();
        var block = new byte[2 * (20 + 16)];
        Tls12KeyExpansion.Prf(HashAlgorithmName.SHA256, master, "key expansion"u8, [.. serverRandom, .. clientRandom], block);

        Tls12KeyExpansion.KeyBlock(suite, master, clientRandom, serverRandom, out var client, out var server);

        Assert.Equal(block[..20], client.MacKey);
        Assert.Equal(block[20..40], server.MacKey);
        Assert.Equal(block[40..56], client.Key);
        Assert.Equal(block[56..72], server.Key);
        Assert.Empty(client.Iv);
    }
}
