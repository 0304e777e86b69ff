using System.Text;

namespace Sensor.Tests.Protocols.Dns;

/// <summary>DNS messages byte by byte (RFC 1035 §4.1), and a small builder for the long-name cases.</summary>
internal static class DnsVectors
{
    /// <summary>Query: id 0x1234, RD, one question api.anthropic.com A IN.</summary>
    public static readonly byte[] s_queryA =
    [
        0x12, 0x34,                                     // ID
        0x01, 0x00,                                     // QR=0 opcode 0 RD=1
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // QDCOUNT 1, AN/NS/AR 0
        0x03, .. "api"u8, 0x09, .. "anthropic"u8, 0x03, .. "com"u8, 0x00, // 0x0c: api.anthropic.com
        0x00, 0x01, 0x00, 0x01,                         // QTYPE A, QCLASS IN
    ];

    /// <summary>
    /// Its answer: a CNAME whose target is compressed against the question (edge + pointer to "anthropic.com" at 0x10),
    /// then an A record whose owner name points at that CNAME target (0x2f).
    /// </summary>
    public static readonly byte[] s_responseCnameA =
    [
        0x12, 0x34,                                     // ID
        0x81, 0x80,                                     // QR=1 RD=1 RA=1 RCODE 0
        0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, // QDCOUNT 1, ANCOUNT 2
        0x03, .. "api"u8, 0x09, .. "anthropic"u8, 0x03, .. "com"u8, 0x00, // 0x0c question name
        0x00, 0x01, 0x00, 0x01,                         // A IN
        0xC0, 0x0C, 0x00, 0x05, 0x00, 0x01,             // 0x23: -> api.anthropic.com, CNAME IN
        0x00, 0x00, 0x01, 0x2C, 0x00, 0x07,             //   TTL 300, RDLENGTH 7
        0x04, .. "edge"u8, 0xC0, 0x10,                  //   0x2f: edge + -> anthropic.com
        0xC0, 0x2F, 0x00, 0x01, 0x00, 0x01,             // 0x36: -> edge.anthropic.com, A IN
        0x00, 0x00, 0x00, 0x3C, 0x00, 0x04,             //   TTL 60, RDLENGTH 4
        0x7F, 0x0A, 0x01, 0x21,                         //   127.10.1.33
    ];

    /// <summary>HTTPS (type 65, RFC 9460) answer with alpn, port, ipv4hint, ech, ipv6hint and an unknown key.</summary>
    public static readonly byte[] s_responseHttps =
    [
        0xAB, 0xCD, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x07, .. "example"u8, 0x03, .. "com"u8, 0x00,  // 0x0c example.com
        0x00, 0x41, 0x00, 0x01,                         // HTTPS IN
        0xC0, 0x0C, 0x00, 0x41, 0x00, 0x01, 0x00, 0x00, 0x0E, 0x10, // -> example.com HTTPS IN TTL 3600
        0x00, 0x41,                                     // RDLENGTH 65
        0x00, 0x01,                                     //   SvcPriority 1
        0x00,                                           //   TargetName "." (the owner)
        0x00, 0x01, 0x00, 0x06, 0x02, .. "h2"u8, 0x02, .. "h3"u8, //   alpn=h2,h3
        0x00, 0x03, 0x00, 0x02, 0x01, 0xBB,             //   port=443
        0x00, 0x04, 0x00, 0x08, 104, 18, 32, 7, 172, 64, 155, 249, //   ipv4hint
        0x00, 0x05, 0x00, 0x04, 0xFE, 0x0D, 0x00, 0x00, //   ech: 4 bytes of ECHConfigList
        0x00, 0x06, 0x00, 0x10, 0x26, 0x06, 0x47, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x12, 0x20, 0x07, // ipv6hint
        0xFD, 0xE9, 0x00, 0x02, 0xBE, 0xEF,             //   key65001
    ];

    public const string HttpsRdata = "1 . alpn=h2,h3 port=443 ipv4hint=104.18.32.7,172.64.155.249 ech=<4 bytes> ipv6hint=2606:4700::6812:2007 key65001=beef";

    /// <summary>MX, TXT (two strings, one byte non-printable) and an AliasMode SVCB in one answer section.</summary>
    public static readonly byte[] s_responseMxTxtSvcb =
    [
        0x00, 0x07, 0x84, 0x00, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, // AA=1
        0x07, .. "example"u8, 0x03, .. "org"u8, 0x00,  // 0x0c example.org
        0x00, 0xFF, 0x00, 0x01,                         // ANY IN
        0xC0, 0x0C, 0x00, 0x0F, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x07, // MX TTL 120 RDLENGTH 7
        0x00, 0x0A, 0x02, .. "mx"u8, 0xC0, 0x0C,        //   10 mx.example.org
        0xC0, 0x0C, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x0E, // TXT RDLENGTH 14
        0x06, .. "v=spf1"u8, 0x06, (byte)' ', .. "-all"u8, 0x07, //   "v=spf1" " -all" + 0x07
        0xC0, 0x0C, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x08, // SVCB RDLENGTH 8
        0x00, 0x00, 0x03, .. "svc"u8, 0xC0, 0x0C,       //   0 svc.example.org
    ];

    /// <summary>NXDOMAIN for nothing.invalid AAAA, no answers.</summary>
    public static readonly byte[] s_responseNxdomain =
    [
        0x99, 0x01, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x07, .. "nothing"u8, 0x07, .. "invalid"u8, 0x00,
        0x00, 0x1C, 0x00, 0x01,
    ];

    public static IEnumerable<(string Name, byte[] Message)> Valid =>
    [
        (nameof(s_queryA), s_queryA),
        (nameof(s_responseCnameA), s_responseCnameA),
        (nameof(s_responseHttps), s_responseHttps),
        (nameof(s_responseMxTxtSvcb), s_responseMxTxtSvcb),
        (nameof(s_responseNxdomain), s_responseNxdomain),
    ];

    /// <summary>A header with the given counts (QR=1 when <paramref name="answers"/> &gt; 0).</summary>
    public static byte[] Header(ushort questions, ushort answers) =>
        [0x00, 0x01, answers > 0 ? (byte)0x81 : (byte)0x01, 0x00, (byte)(questions >> 8), (byte)questions, (byte)(answers >> 8), (byte)answers, 0, 0, 0, 0];

    /// <summary>Labels of the given lengths (filled with 'a'), then the root: the wire form of a name.</summary>
    public static byte[] Labels(params int[] lengths)
    {
        var name = new List<byte>();
        foreach (var length in lengths)
        {
            name.Add((byte)length);
            name.AddRange(Enumerable.Repeat((byte)'a', length));
        }

        name.Add(0);
        return [.. name];
    }

    /// <summary>A one-question message whose question name is <paramref name="name"/> (type A, class IN).</summary>
    public static byte[] Question(byte[] name) => [.. Header(1, 0), .. name, 0x00, 0x01, 0x00, 0x01];

    public static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);
}
