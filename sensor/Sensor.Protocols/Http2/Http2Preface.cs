namespace Sensor.Protocols.Http2;

/// <summary>The client connection preface (RFC 9113 §3.4), followed on the wire by the client's SETTINGS frame.</summary>
public static class Http2Preface
{
    public const int Length = 24;

    public static ReadOnlySpan<byte> Bytes => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Done when <paramref name="data"/> starts with the whole preface; NeedMoreData while it is a prefix of it.</summary>
    public static Http2Status Check(ReadOnlySpan<byte> data)
    {
        var n = Math.Min(data.Length, Length);
        if (!data[..n].SequenceEqual(Bytes[..n]))
        {
            return Http2Status.BadPreface;
        }

        return n == Length ? Http2Status.Done : Http2Status.NeedMoreData;
    }
}
