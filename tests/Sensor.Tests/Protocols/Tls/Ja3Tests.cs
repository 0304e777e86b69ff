using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Parsing;
using Sensor.Protocols.Tls;
using Sensor.Protocols.Tls.Fingerprints;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Tls;

/// <summary>JA3/JA3S strings and hashes, against Wireshark's values for the illustrated TLS captures (conformance/wireshark/MANIFEST.md).</summary>
public sealed class Ja3Tests
{
    [Theory]
    [InlineData("illustrated-tls13", "f146948b4a599d4d7ddf071b74696983", "15af977ce25de452b96affa2addb1036")]
    [InlineData("illustrated-tls12", "36d715579d31b7f031149c4560b5914f", "5a450169db1f168548fb87aa841fe743")]
    public void IllustratedCaptures_GiveWiresharksJa3AndJa3s(string capture, string ja3, string ja3s)
    {
        var path = SharedInputs.Conformance($"wireshark/{capture}/capture.pcap");
        var client = TlsBytes.Unframe(CaptureStreams.FirstClientHelloRecords(path));
        var server = TlsBytes.Unframe(CaptureStreams.FirstServerFlight(path));
        Assert.Equal(TlsConstants.ClientHello, client[0]);
        Assert.Equal(TlsConstants.ServerHello, server[0]);

        Assert.Equal(ja3, ClientJa3(client[4..(4 + Length(client))]).Hash);
        Assert.Equal(ja3s, ServerJa3s(server[4..(4 + Length(server))]).Hash);
    }

    [Fact]
    public void ClientString_IsDecimalFields_InWireOrder_WithoutGrease()
    {
        var hello = TlsVectors.SpecExample();
        hello.Ciphers.Insert(0, 0x0A0A);
        hello.Extensions.Insert(0, (0x1A1A, []));
        hello.Extensions[hello.Extensions.FindIndex(e => e.Type == 0x000A)] = (0x000A, ClientHelloBuilder.List16(0x2A2A, 0x001D, 0x0017));

        var (text, hash) = ClientJa3(hello.Body());

        const string expected = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53," +
                                "27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23,0";
        Assert.Equal(expected, text);
        Assert.Equal(Md5(expected), hash);
    }

    [Fact]
    public void ClientWithoutExtensions_HasEmptyTrailingFields()
    {
        var body = new ClientHelloBuilder { LegacyVersion = 0x0301, Ciphers = [0x002F, 0x0035], NoExtensionsBlock = true }.Body();
        Assert.Equal("769,47-53,,,", ClientJa3(body).Text);
    }

    [Fact]
    public void TextThatDoesNotFit_IsReportedAsMinusOne_NotAnException()
    {
        var body = TlsVectors.SpecExample().Body();
        var info = default(ClientHelloInfo);
        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));

        Assert.Equal(-1, Ja3.WriteClient(body, info, new byte[16], new char[Ja3.HashLength]));
    }

    [Fact]
    public void ServerHello_HelloRetryRequest_IsRecognised_AndItsJa3sWritten()
    {
        // A HelloRetryRequest: the fixed random SHA-256("HelloRetryRequest"), TLS_AES_256_GCM_SHA384, supported_versions + key_share.
        byte[] body =
        [
            0x03, 0x03,
            .. Convert.FromHexString("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C"),
            0x00,                                   // legacy_session_id_echo: empty
            0x13, 0x02,                             // cipher_suite
            0x00,                                   // compression
            0x00, 0x0C,                             // extensions: 12 bytes
            0x00, 0x2B, 0x00, 0x02, 0x03, 0x04,     //   supported_versions: TLS 1.3
            0x00, 0x33, 0x00, 0x02, 0x00, 0x17,     //   key_share: secp256r1
        ];
        var info = default(ServerHelloInfo);

        Assert.Equal(ParseStatus.Done, ServerHelloReader.Read(body, ref info));
        Assert.True(info.IsHelloRetryRequest);
        Assert.Equal(0x0304, info.NegotiatedVersion);
        Assert.Equal(0x1302, info.CipherSuite);
        Assert.Equal(("771,4866,43-51", Md5("771,4866,43-51")), ServerJa3s(body));
    }

    [Fact]
    public void ServerHello_Tls12WithAlpn_ReportsTheSelectedProtocol()
    {
        byte[] body =
        [
            0x03, 0x03,
            .. Enumerable.Repeat((byte)0x42, 32),
            0x00,
            0xC0, 0x2F,                             // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
            0x00,
            0x00, 0x0F,                             // extensions: 15 bytes
            0xFF, 0x01, 0x00, 0x01, 0x00,           //   renegotiation_info
            0x00, 0x10, 0x00, 0x06,                 //   ALPN, 6 bytes
            0x00, 0x04, 0x03, (byte)'h', (byte)'t', (byte)'x',
        ];
        var info = default(ServerHelloInfo);

        Assert.Equal(ParseStatus.Done, ServerHelloReader.Read(body, ref info));
        Assert.False(info.IsHelloRetryRequest);
        Assert.Equal(0x0303, info.NegotiatedVersion);
        Assert.True(info.HasAlpn);
        Assert.Equal("htx", Encoding.ASCII.GetString(body[info.Alpn]));
        Assert.Equal("771,49199,65281-16", ServerJa3s(body).Text);
    }

    [Theory]
    [InlineData(34)]
    [InlineData(36)]
    public void ServerHello_TooShort_IsInvalid(int length)
    {
        var info = default(ServerHelloInfo);
        Assert.Equal(ParseStatus.Invalid, ServerHelloReader.Read(new byte[length], ref info));
    }

    internal static (string Text, string Hash) ClientJa3(byte[] body)
    {
        var info = default(ClientHelloInfo);
        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        var text = new byte[Ja3.MaxTextLength(body.Length)];
        var hash = new char[Ja3.HashLength];
        var length = Ja3.WriteClient(body, info, text, hash);
        Assert.True(length >= 0);
        return (Encoding.ASCII.GetString(text, 0, length), new string(hash));
    }

    private static (string Text, string Hash) ServerJa3s(byte[] body)
    {
        var info = default(ServerHelloInfo);
        Assert.Equal(ParseStatus.Done, ServerHelloReader.Read(body, ref info));
        var text = new byte[Ja3.MaxTextLength(body.Length)];
        var hash = new char[Ja3.HashLength];
        var length = Ja3.WriteServer(body, info, text, hash);
        Assert.True(length >= 0);
        return (Encoding.ASCII.GetString(text, 0, length), new string(hash));
    }

    private static int Length(byte[] message) => (message[1] << 16) | (message[2] << 8) | message[3];

#pragma warning disable CA5351 // JA3 is defined over MD5
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(text)));
#pragma warning restore CA5351
}
