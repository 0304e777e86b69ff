using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Tls;

/// <summary>Byte vectors shared by the TLS tests: capture-derived flights (read from shared/ at test time) and hand-built hellos.</summary>
internal static class TlsVectors
{
    private static readonly Lazy<byte[]> s_anthropicRecords = new(() => CaptureStreams.FirstClientHelloRecords(SharedInputs.Pcap("a_anthropic_enterprise.pcap")));

    /// <summary>
    /// The first ClientHello of <c>a_anthropic_enterprise.pcap</c> (Node.js 20 undici/OpenSSL 3 to api.anthropic.com, flow
    /// 127.0.0.1:55278 -> 127.10.1.33:443) as sent: one handshake record of 385 bytes.
    /// </summary>
    public static byte[] AnthropicClientHelloRecords => s_anthropicRecords.Value;

    /// <summary>The ClientHello body (after msg_type and the 3-byte length) of <see cref="AnthropicClientHelloRecords"/>.</summary>
    public static byte[] AnthropicClientHelloBody => TlsBytes.Unframe(AnthropicClientHelloRecords)[4..];

    // Known values of that hello. JA4 and JA3 as the labels (a_anthropic_enterprise.labels.json) give them: JA3 from
    // Wireshark 4.0, JA4 from the labelling tool, and the same JA4 as the "Node.js (undici fetch, OpenSSL 3)" catalog entry.
    public const string AnthropicJa4 = "t13d5911h1_a33745022dd6_1f22a2ca17c4";
    public const string AnthropicJa3 = "1a28e69016765d92e3b381168d68922c";
    public const string AnthropicJa3String =
        "771,4866-4867-4865-49199-49195-49200-49196-158-49191-103-49192-107-163-159-52393-52392-52394-49327-49325-49315-49311-49245-49249-" +
        "49239-49235-162-49326-49324-49314-49310-49244-49248-49238-49234-49188-106-49187-64-49162-49172-57-56-49161-49171-51-50-157-49313-" +
        "49309-49233-156-49312-49308-49232-61-60-53-47-255,0-11-10-35-16-22-23-13-43-45-51,29-23-30-25-24-256-257-258-259-260,0-1-2";

    /// <summary>
    /// A minimal TLS 1.3 ClientHello body, field by field, with SNI "a.io", ALPN "h2", one cipher and three more extensions.
    /// JA4: t13d0105h2_&lt;sha(1301)&gt;_&lt;sha(000a,000d,002b_0403)&gt;.
    /// </summary>
    public static readonly byte[] s_minimalClientHello =
    [
        0x03, 0x03,                                     // legacy_version TLS 1.2
        .. Enumerable.Repeat((byte)0x5A, 32),           // random
        0x00,                                           // legacy_session_id: empty
        0x00, 0x02, 0x13, 0x01,                         // cipher_suites: TLS_AES_128_GCM_SHA256
        0x01, 0x00,                                     // legacy_compression_methods: null
        0x00, 0x2D,                                     // extensions: 45 bytes
        0x00, 0x00, 0x00, 0x09,                         //   server_name, 9 bytes
        0x00, 0x07, 0x00, 0x00, 0x04,                   //     list 7, host_name, length 4
        (byte)'a', (byte)'.', (byte)'i', (byte)'o',     //     "a.io"
        0x00, 0x10, 0x00, 0x05,                         //   ALPN, 5 bytes
        0x00, 0x03, 0x02, (byte)'h', (byte)'2',         //     list 3: "h2"
        0x00, 0x0A, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1D, //   supported_groups: x25519
        0x00, 0x0D, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03, //   signature_algorithms: ecdsa_secp256r1_sha256
        0x00, 0x2B, 0x00, 0x03, 0x02, 0x03, 0x04,       //   supported_versions: TLS 1.3
    ];

    /// <summary>The example of JA4-spec.md ("Example"): 15 ciphers, 16 extensions, ALPN h2, 8 signature algorithms.</summary>
    public static ClientHelloBuilder SpecExample()
    {
        var hello = new ClientHelloBuilder
        {
            Ciphers = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
        };

        // 001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015 in this order
        foreach (var type in new ushort[] { 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015 })
        {
            hello.Extension(type, type switch
            {
                0x0000 => ClientHelloBuilder.Sni("example.com"),
                0x0010 => ClientHelloBuilder.Alpn("h2", "http/1.1"),
                0x000d => ClientHelloBuilder.List16(SpecSignatureAlgorithms),
                0x002b => ClientHelloBuilder.Versions(0x0304, 0x0303),
                0x000a => ClientHelloBuilder.List16(0x001d, 0x0017),
                0x000b => [0x01, 0x00],
                _ => [],
            });
        }

        return hello;
    }

    public static readonly ushort[] SpecSignatureAlgorithms = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];

    public const string SpecExampleJa4 = "t13d1516h2_8daaf6152771_e5627efa2ab1";
}
