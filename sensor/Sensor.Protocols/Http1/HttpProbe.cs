namespace Sensor.Protocols.Http1;

/// <summary>What the first client bytes of a connection say about HTTP.</summary>
public enum HttpProbeResult : byte
{
    /// <summary>Too few bytes to tell.</summary>
    NeedMoreData,

    NotHttp,

    /// <summary>An HTTP/1.x request method followed by a space.</summary>
    Http1Request,

    /// <summary>The start of the HTTP/2 connection preface (RFC 9113 §3.4), i.e. prior-knowledge h2c.</summary>
    Http2Preface,
}

/// <summary>
/// Recognises HTTP from a connection's first client bytes (Suricata's HTTP probing parser, narrowed to the
/// methods real clients send). CONNECT is deliberately absent: proxy tunnels are recognised on their own.
/// </summary>
public static class HttpProbe
{
    /// <summary>The HTTP/2 client connection preface, <c>PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n</c>.</summary>
    public static ReadOnlySpan<byte> Http2Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Bytes after which <see cref="Probe"/> always decides: the longest signature, "OPTIONS ".</summary>
    public const int DecisiveBytes = 8;

    private static readonly byte[][] s_methods =
    [
        "GET "u8.ToArray(), "POST "u8.ToArray(), "PUT "u8.ToArray(), "DELETE "u8.ToArray(), "HEAD "u8.ToArray(),
        "OPTIONS "u8.ToArray(), "PATCH "u8.ToArray(), "TRACE "u8.ToArray(),
    ];

    public static HttpProbeResult Probe(ReadOnlySpan<byte> start)
    {
        var undecided = false;
        foreach (var method in s_methods)
        {
            if (start.StartsWith(method))
            {
                return HttpProbeResult.Http1Request;
            }

            undecided |= start.Length < method.Length && method.AsSpan().StartsWith(start);
        }

        // "PRI * HT" is enough to tell: no HTTP/1 method is called PRI.
        var preface = Http2Preface[..DecisiveBytes];
        if (start.StartsWith(preface))
        {
            return HttpProbeResult.Http2Preface;
        }

        undecided |= start.Length < preface.Length && preface.StartsWith(start);
        return undecided ? HttpProbeResult.NeedMoreData : HttpProbeResult.NotHttp;
    }
}
