namespace Sensor.Core.Payloads;

/// <summary>
/// A message body after transfer and content decoding (chunked, gzip, deflate, br), kept up to a cap so
/// detectors and the MCP/AI parsers see whole JSON documents. Beyond the cap bytes are counted, not kept.
/// </summary>
public sealed class HttpBody
{
    private byte[] _buffer = [];

    /// <summary>Decoded bytes kept (at most the cap the session was configured with).</summary>
    public ReadOnlyMemory<byte> Content => _buffer.AsMemory(0, Length);

    public int Length { get; private set; }

    /// <summary>Bytes of the body as they crossed the wire (before content decoding).</summary>
    public long WireLength { get; set; }

    /// <summary>Decoded bytes seen in all, kept or not.</summary>
    public long DecodedLength { get; private set; }

    /// <summary>True when the decoded body was longer than the cap, or decoding stopped at a limit.</summary>
    public bool Truncated { get; set; }

    /// <summary>
    /// Makes room for <paramref name="expected"/> bytes in all (a declared Content-Length), at most <paramref name="cap"/>,
    /// so a body of known size is allocated once rather than doubled up to its size. Only a hint: Append still grows.
    /// </summary>
    public void Reserve(long expected, int cap)
    {
        var size = (int)Math.Min(expected, cap);
        if (size > _buffer.Length)
        {
            Array.Resize(ref _buffer, size);
        }
    }

    /// <summary>Appends decoded bytes, keeping at most <paramref name="cap"/> of them.</summary>
    public void Append(ReadOnlySpan<byte> decoded, int cap)
    {
        DecodedLength += decoded.Length;
        var room = cap - Length;
        if (decoded.Length > room)
        {
            Truncated = true;
            decoded = decoded[..Math.Max(room, 0)];
        }

        if (decoded.IsEmpty)
        {
            return;
        }

        if (Length + decoded.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(cap, Math.Max(Length + decoded.Length, Math.Max(256, _buffer.Length * 2))));
        }

        decoded.CopyTo(_buffer.AsSpan(Length));
        Length += decoded.Length;
    }
}
