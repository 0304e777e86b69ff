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

/// <summary>HTTP CONNECT (RFC 9110 §9.3.6): the request head and the proxy's response head, each ending at CRLF CRLF.</summary>
internal sealed class HttpConnectPreamble : TunnelPreamble
{
    public static bool IsConnect(ReadOnlySpan<byte> start) => start.StartsWith("CONNECT "u8);

    public override int Measure(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return bytes.Length > MaxPreambleBytes ? -1 : 0;
        }

        return end + 4;
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
