namespace Sensor.Core.Payloads;

/// <summary>
/// A message body after transfer and content decoding (chunked, gzip, deflate, br), kept up to a cap so
/// detectors and the MCP/AI parsers see whole JSON documents. Beyond the cap bytes are counted, not kept.
/// </summary>
public sealed class HttpBody
{
    /// <summary>Smallest buffer made for a body of unknown size (as the growth from empty always had).</summary>
    private const int MinBufferBytes = 256;

    /// <summary>The kept bytes while <see cref="_segments"/> is null; else their full prefix, the rest being in the segments.</summary>
    private byte[] _buffer = [];

    /// <summary>
    /// Bytes that did not fit in <see cref="_buffer"/>, in order; all full but the last (<see cref="_lastUsed"/> bytes).
    /// A body of unknown size (chunked, content-coded, an event stream) grows here without copying what it holds, and
    /// is joined into one buffer only when <see cref="Content"/> is read: most event-stream bodies never are, and
    /// doubling one buffer by copying allocated about three times their size.
    /// </summary>
    private List<byte[]>? _segments;
    private int _lastUsed;

    /// <summary>Decoded bytes kept (at most the cap the session was configured with).</summary>
    public ReadOnlyMemory<byte> Content
    {
        get
        {
            if (_segments is not null)
            {
                Join();
            }

            return _buffer.AsMemory(0, Length);
        }
    }

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
        if (_segments is null && size > _buffer.Length)
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

        if (_segments is null)
        {
            if (Length == 0 && decoded.Length > _buffer.Length)
            {
                // The first bytes of a body not reserved for: one buffer of their size (or the minimum).
                _buffer = new byte[Math.Min(cap, Math.Max(decoded.Length, MinBufferBytes))];
            }

            var free = Math.Min(_buffer.Length - Length, decoded.Length);
            decoded[..free].CopyTo(_buffer.AsSpan(Length));
            Length += free;
            decoded = decoded[free..];
            if (decoded.IsEmpty)
            {
                return;
            }

            _segments = [];
        }
        else
        {
            var last = _segments[^1];
            var free = Math.Min(last.Length - _lastUsed, decoded.Length);
            decoded[..free].CopyTo(last.AsSpan(_lastUsed));
            _lastUsed += free;
            Length += free;
            decoded = decoded[free..];
            if (decoded.IsEmpty)
            {
                return;
            }
        }

        // All held bytes are full: a new segment as large as they are (the doubling a single buffer had), never past
        // the cap; decoded already fits in cap - Length.
        var segment = new byte[Math.Max(decoded.Length, Math.Min(Length, cap - Length))];
        decoded.CopyTo(segment);
        _segments.Add(segment);
        _lastUsed = decoded.Length;
        Length += decoded.Length;
    }

    /// <summary>The buffer and the segments as one buffer of exactly <see cref="Length"/> bytes.</summary>
    private void Join()
    {
        var joined = new byte[Length];
        _buffer.CopyTo(joined, 0);
        var at = _buffer.Length;
        var segments = _segments!;
        for (var i = 0; i < segments.Count; i++)
        {
            var used = i == segments.Count - 1 ? _lastUsed : segments[i].Length;
            segments[i].AsSpan(0, used).CopyTo(joined.AsSpan(at));
            at += used;
        }

        _buffer = joined;
        _segments = null;
        _lastUsed = 0;
    }
}
