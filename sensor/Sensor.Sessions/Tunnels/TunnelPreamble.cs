namespace Sensor.Sessions.Tunnels;

/// <summary>
/// Recognises, one direction at a time, the clear preamble of a proxy tunnel (HTTP CONNECT, SOCKS4/4a, SOCKS5)
/// so the bytes after it can be probed again. Each direction is parsed on its own: no cross-direction state.
/// </summary>
internal abstract class TunnelPreamble
{
    /// <summary>A preamble longer than this is not one we trust (HTTP header limits are of this order).</summary>
    public const int MaxPreambleBytes = 16 * 1024;

    /// <summary>
    /// Looks at the bytes of this direction so far. Returns the preamble length once complete, 0 when more bytes
    /// are needed, -1 when this is not (or no longer) a tunnel preamble.
    /// </summary>
    public abstract int Measure(ReadOnlySpan<byte> bytes);
}

/// <summary>
/// HTTP CONNECT (RFC 9110 §9.3.6): the client's request heads and the proxy's response heads, each ending at CRLF CRLF.
/// A proxy that wants credentials answers 407 and the client asks again on the same connection (NTLM and Negotiate
/// need two rounds there), so the preamble runs up to the first 2xx response on the server side, refused responses and
/// their bodies included, and up to the last CONNECT request on the client side.
/// </summary>
internal sealed class HttpConnectPreamble : TunnelPreamble
{
    private readonly bool _client;

    public HttpConnectPreamble(bool client)
    {
        _client = client;
    }

    public static bool IsConnect(ReadOnlySpan<byte> start) => start.StartsWith("CONNECT "u8);

    public override int Measure(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (true)
        {
            var end = bytes[at..].IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                return bytes.Length > MaxPreambleBytes ? -1 : 0;
            }

            var head = bytes.Slice(at, end + 4);
            at += end + 4;
            if (_client)
            {
                // Another CONNECT follows (a retry with credentials), or the tunnel begins. Until a byte after this head
                // has arrived, it cannot be told which.
                var rest = bytes[at..];
                if (rest.StartsWith("CONNECT "u8))
                {
                    continue;
                }

                return rest.Length < 8 && "CONNECT "u8.StartsWith(rest) ? 0 : at;
            }

            // "HTTP/1.1 200 Connection established": a 2xx opens the tunnel; anything else is skipped with its body.
            if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || head[8] != (byte)' ' || !char.IsAsciiDigit((char)head[9]))
            {
                return -1;
            }

            if (head[9] == (byte)'2')
            {
                return at;
            }

            var body = ContentLength(head);
            if (body < 0)
            {
                return -1; // a refused response whose body length we cannot tell (chunked): stop, do not guess
            }

            at += body;
            if (at > bytes.Length)
            {
                return at > MaxPreambleBytes ? -1 : 0;
            }
        }
    }

    /// <summary>The Content-Length of a response head; 0 when absent, -1 when the body is chunked or the value unreadable.</summary>
    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        var length = 0;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (System.Text.Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                return -1;
            }

            if (System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!System.Buffers.Text.Utf8Parser.TryParse(value, out length, out var consumed) || consumed != value.Length || length < 0)
                {
                    return -1;
                }
            }
        }

        return length;
    }
}

/// <summary>SOCKS5 (RFC 1928, RFC 1929 user/password) and SOCKS4/4a, client or server side.</summary>
internal sealed class SocksPreamble : TunnelPreamble
{
    private readonly bool _client;

    public SocksPreamble(bool client)
    {
        _client = client;
    }

    public static bool IsSocks(ReadOnlySpan<byte> start) =>
        start.Length >= 2 && ((start[0] == 5 && start[1] is > 0 and < 16) || (start[0] == 4 && start[1] == 1));

    public override int Measure(ReadOnlySpan<byte> b)
    {
        if (b.IsEmpty)
        {
            return 0;
        }

        var length = b[0] == 4 || (!_client && b[0] == 0) ? Socks4(b) : _client ? Socks5Client(b) : Socks5Server(b);
        return length == 0 && b.Length > MaxPreambleBytes ? -1 : length;
    }

    private int Socks4(ReadOnlySpan<byte> b)
    {
        if (!_client)
        {
            return b.Length >= 8 ? (b[1] == 0x5A ? 8 : -1) : 0; // VN=0 CD(90 = granted) DSTPORT DSTIP
        }

        // VN=4 CD=1 DSTPORT(2) DSTIP(4) USERID NUL [DOMAIN NUL when DSTIP is 0.0.0.x (SOCKS4a)]
        if (b.Length < 9)
        {
            return 0;
        }

        var user = b[8..].IndexOf((byte)0);
        if (user < 0)
        {
            return 0;
        }

        var end = 8 + user + 1;
        if (b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0)
        {
            var domain = b[end..].IndexOf((byte)0);
            return domain < 0 ? 0 : end + domain + 1;
        }

        return end;
    }

    private static int Socks5Client(ReadOnlySpan<byte> b)
    {
        // Greeting: VER=5 NMETHODS METHODS...
        if (b.Length < 2 || b.Length < 2 + b[1])
        {
            return 0;
        }

        var at = 2 + b[1];
        if (at < b.Length && b[at] == 1)
        {
            // RFC 1929 username/password: VER=1 ULEN UNAME PLEN PASSWD
            if (at + 2 > b.Length || at + 2 + b[at + 1] >= b.Length)
            {
                return 0;
            }

            var plenAt = at + 2 + b[at + 1];
            if (plenAt + 1 + b[plenAt] > b.Length)
            {
                return 0;
            }

            at = plenAt + 1 + b[plenAt];
        }

        return Socks5Address(b, at);
    }

    private static int Socks5Server(ReadOnlySpan<byte> b)
    {
        // Method selection: VER=5 METHOD; then [VER=1 STATUS] for user/password; then the reply.
        if (b.Length < 2)
        {
            return 0;
        }

        var at = 2;
        if (b[1] == 2)
        {
            if (b.Length < 4)
            {
                return 0;
            }

            at = 4;
        }

        return Socks5Address(b, at);
    }

    /// <summary>A request or reply: VER=5 CMD/REP RSV ATYP ADDR PORT(2).</summary>
    private static int Socks5Address(ReadOnlySpan<byte> b, int at)
    {
        if (at + 5 > b.Length)
        {
            return 0;
        }

        if (b[at] != 5)
        {
            return -1;
        }

        var address = b[at + 3] switch
        {
            1 => 4,
            4 => 16,
            3 => 1 + b[at + 4],
            _ => -1,
        };
        if (address < 0)
        {
            return -1;
        }

        var end = at + 4 + address + 2;
        return end <= b.Length ? end : 0;
    }
}
