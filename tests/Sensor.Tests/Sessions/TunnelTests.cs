using System.Text;
using Sensor.Core.Streams;
using Sensor.Tests.Protocols.Tls;

namespace Sensor.Tests.Sessions;

/// <summary>
/// Explicit proxies: the HTTP CONNECT and SOCKS preambles of each direction are skipped and the TLS inside is
/// fingerprinted as if the connection were direct (same SNI, JA3, JA4, JA3S).
/// </summary>
public sealed class TunnelTests
{
    private static readonly byte[] s_connectRequest = Encoding.ASCII.GetBytes(
        "CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n");

    private static readonly byte[] s_connectResponse = Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n");

    private static readonly byte[] s_socks5Greeting = [0x05, 0x01, 0x00];                              // VER 5, 1 method: no auth
    private static readonly byte[] s_socks5GreetingWithPassword = [0x05, 0x02, 0x00, 0x02];            // no auth or user/password
    private static readonly byte[] s_socks5Credentials = [0x01, 0x05, .. "alice"u8, 0x06, .. "s3cr3t"u8]; // RFC 1929
    private static readonly byte[] s_socks5ConnectByName = [0x05, 0x01, 0x00, 0x03, 17, .. "api.anthropic.com"u8, 0x01, 0xBB];
    private static readonly byte[] s_socks5ConnectByIpv6 = [0x05, 0x01, 0x00, 0x04, .. new byte[15], 0x01, 0x01, 0xBB];
    private static readonly byte[] s_socks5Reply = [0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x1F, 0x90]; // succeeded, bound 127.0.0.1:8080

    private static readonly byte[] s_socks4aConnect = [0x04, 0x01, 0x01, 0xBB, 0, 0, 0, 1, .. "bob"u8, 0x00, .. "api.anthropic.com"u8, 0x00];
    private static readonly byte[] s_socks4Connect = [0x04, 0x01, 0x01, 0xBB, 127, 10, 1, 33, 0x00];   // empty user id
    private static readonly byte[] s_socks4Granted = [0x00, 0x5A, 0x01, 0xBB, 127, 10, 1, 33];

    public static TheoryData<string, byte[], byte[], string> Tunnels => new()
    {
        { "HTTP CONNECT", s_connectRequest, s_connectResponse, "http-connect" },
        { "SOCKS5, no authentication", [.. s_socks5Greeting, .. s_socks5ConnectByName], [0x05, 0x00, .. s_socks5Reply], "socks" },
        { "SOCKS5, user and password", [.. s_socks5GreetingWithPassword, .. s_socks5Credentials, .. s_socks5ConnectByName], [0x05, 0x02, 0x01, 0x00, .. s_socks5Reply], "socks" },
        { "SOCKS5, IPv6 address", [.. s_socks5Greeting, .. s_socks5ConnectByIpv6], [0x05, 0x00, .. s_socks5Reply], "socks" },
        { "SOCKS4a", s_socks4aConnect, s_socks4Granted, "socks" },
        { "SOCKS4", s_socks4Connect, s_socks4Granted, "socks" },
    };

    [Theory]
    [MemberData(nameof(Tunnels))]
    public void TlsThroughTheTunnel_IsFingerprintedAsIfDirect(string name, byte[] clientPreamble, byte[] serverPreamble, string appProto)
    {
        var direct = TlsConversation.Play(TlsConversation.Tls13);
        var tunnelled = TlsConversation.Play(TlsConversation.Tls13, clientPreamble, serverPreamble);

        Assert.True(tunnelled.Anomalies.Count == 0, name);
        Assert.Equal(direct.Bodies, tunnelled.Bodies);
        Assert.Equal(TlsVectors.AnthropicJa4, tunnelled.Single.Ja4);
        Assert.Equal(appProto, tunnelled.Flow.AppProto);
    }

    [Theory]
    [MemberData(nameof(Tunnels))]
    public void RandomSegmentation_AndSequences_GiveTheSameEvent(string name, byte[] clientPreamble, byte[] serverPreamble, string appProto)
    {
        _ = appProto;
        var expected = TlsConversation.Play(TlsConversation.Tls13).Bodies;
        var random = new Random(name.Length);
        for (var round = 0; round < 20; round++)
        {
            Assert.Equal(expected, TlsConversation.Play(TlsConversation.Tls13, clientPreamble, serverPreamble, random, maxChunk: round % 2 == 0 ? 1 : 50).Bodies);
            Assert.Equal(expected, TlsConversation.Play(TlsConversation.Tls13, clientPreamble, serverPreamble, random, maxChunk: 30, asSequences: true).Bodies);
        }
    }

    [Theory]
    [MemberData(nameof(Tunnels))]
    public void EveryTwoWaySplitOfTheClientPreambleAndHello_GivesTheSameEvent(string name, byte[] clientPreamble, byte[] serverPreamble, string appProto)
    {
        _ = (name, appProto);
        var expected = TlsConversation.Play(TlsConversation.Tls13).Bodies;
        byte[] client = [.. clientPreamble, .. TlsVectors.AnthropicClientHelloRecords];
        var server = ServerSide(serverPreamble);
        for (var cut = 1; cut < client.Length; cut++)
        {
            var result = TlsConversation.Run([(Direction.ToServer, client[..cut]), (Direction.ToServer, client[cut..]), (Direction.ToClient, server)]);
            Assert.Equal(expected, result.Bodies);
        }
    }

    [Fact]
    public void ConnectRetriedAfter407_OnTheSameConnection_IsStillFollowed()
    {
        // Proxy authentication: the first CONNECT is refused with 407 (and a body), the client retries on the same
        // connection with credentials (NTLM/Negotiate need the same connection: two 407 rounds), then 200 and TLS.
        var request = Encoding.ASCII.GetString(s_connectRequest);
        var retry = request.Replace("\r\n\r\n", "\r\nProxy-Authorization: NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==\r\n\r\n", StringComparison.Ordinal);
        var final = request.Replace("\r\n\r\n", "\r\nProxy-Authorization: NTLM TlRMTVNTUAADAAAAGAAYAEgAAAA=\r\n\r\n", StringComparison.Ordinal);
        const string body = "<html><body>Proxy authentication required</body></html>";
        var refused = $"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nContent-Type: text/html\r\nContent-Length: {body.Length}\r\n\r\n{body}";
        var challenge = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM TlRMTVNTUAACAAAADAAMADgAAAA=\r\ncontent-length: 0\r\n\r\n";
        var expected = TlsConversation.Play(TlsConversation.Tls13).Bodies;
        var hello = TlsVectors.AnthropicClientHelloRecords;
        var server = TestSupport.CaptureStreams.FirstHelloRecords(TlsConversation.Tls13.ToClient);

        (Direction, byte[])[] steps =
        [
            (Direction.ToServer, s_connectRequest),
            (Direction.ToClient, Encoding.ASCII.GetBytes(refused)),
            (Direction.ToServer, Encoding.ASCII.GetBytes(retry)),
            (Direction.ToClient, Encoding.ASCII.GetBytes(challenge)),
            (Direction.ToServer, Encoding.ASCII.GetBytes(final)),
            (Direction.ToClient, s_connectResponse),
            (Direction.ToServer, hello),
            (Direction.ToClient, server),
        ];

        Assert.Equal(expected, TlsConversation.Run(steps).Bodies);
        var random = new Random(407);
        for (var round = 0; round < 20; round++)
        {
            Assert.Equal(expected, TlsConversation.Run(steps, random, maxChunk: round % 2 == 0 ? 1 : 40).Bodies);
        }
    }

    [Fact]
    public void ConnectRefused_ThenClosed_GivesNoEvent()
    {
        var result = TlsConversation.Run(
        [
            (Direction.ToServer, s_connectRequest),
            (Direction.ToClient, "HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnope."u8.ToArray()),
        ]);
        Assert.Empty(result.Events);
        Assert.Empty(result.Anomalies);
    }

    [Fact]
    public void ConnectPreambleOver16KiB_GivesNoEvent_AndNoException()
    {
        // A header block that never ends within the 16 KiB a proxy preamble may take, then a hello.
        var huge = Encoding.ASCII.GetBytes("CONNECT api.anthropic.com:443 HTTP/1.1\r\nX-Padding: " + new string('a', 17 * 1024) + "\r\n\r\n");
        var whole = TlsConversation.Play(TlsConversation.Tls13, huge, s_connectResponse);
        var chunked = TlsConversation.Play(TlsConversation.Tls13, huge, s_connectResponse, new Random(16), maxChunk: 1000);

        Assert.Empty(whole.Events);
        Assert.Empty(chunked.Events);
        Assert.Empty(whole.Anomalies);
    }

    [Fact]
    public void ConnectPreambleJustUnder16KiB_IsStillATunnel()
    {
        var head = "CONNECT api.anthropic.com:443 HTTP/1.1\r\nX-Padding: ";
        var padding = new string('a', (16 * 1024) - head.Length - 4);
        var request = Encoding.ASCII.GetBytes(head + padding + "\r\n\r\n");
        Assert.Equal(16 * 1024, request.Length);

        Assert.Single(TlsConversation.Play(TlsConversation.Tls13, request, s_connectResponse).Events);
    }

    [Fact]
    public void SocksWithAnUnknownAddressType_IsNotFollowed()
    {
        byte[] client = [.. s_socks5Greeting, 0x05, 0x01, 0x00, 0x07, 1, 2, 3, 4, 0x01, 0xBB];
        Assert.Empty(TlsConversation.Play(TlsConversation.Tls13, client, [0x05, 0x00, .. s_socks5Reply]).Events);
    }

    [Fact]
    public void GarbageAfterTunnelStarts_NeverThrows()
    {
        var random = new Random(1080);
        foreach (var (_, client, server, _) in Tunnels.Select(row => ((string)row[0], (byte[])row[1], (byte[])row[2], (string)row[3])))
        {
            for (var i = 0; i < 60; i++)
            {
                var garbage = new byte[random.Next(1, 200)];
                random.NextBytes(garbage);
                TlsConversation.Run(
                    [
                        (Direction.ToServer, [.. client[..random.Next(1, client.Length + 1)], .. garbage]),
                        (Direction.ToClient, [.. server[..random.Next(0, server.Length + 1)], .. garbage]),
                        (Direction.ToServer, garbage),
                    ],
                    random,
                    maxChunk: 20);
            }
        }
    }

    private static byte[] ServerSide(byte[] serverPreamble) =>
        [.. serverPreamble, .. TestSupport.CaptureStreams.FirstHelloRecords(TlsConversation.Tls13.ToClient)];
}
