namespace Sensor.Capture.Files;

/// <summary>
/// A reusable read buffer over a stream: records are parsed in place (zero copy) and the unread tail is moved
/// to the front only when a record crosses the buffer end. It grows (up to <see cref="CaptureLimits.MaxReadBufferBytes"/>)
/// only for a record larger than it.
/// </summary>
internal sealed class BufferedInput : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public BufferedInput(Stream stream, int bufferSize = CaptureLimits.ReadBufferBytes)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
    }

    /// <summary>Bytes handed out so far (file offset of the next unread byte, for uncompressed input).</summary>
    public long Consumed { get; private set; }

    public int Available => _end - _start;

    /// <summary>The stream failed (corrupt compression, I/O error) rather than ending cleanly.</summary>
    public bool Failed { get; private set; }

    /// <summary>Makes at least <paramref name="count"/> bytes available; false when the stream ends first.</summary>
    public bool Ensure(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_eof || count > CaptureLimits.MaxReadBufferBytes)
        {
            return false;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        while (_end - _start < count)
        {
            if (_end == _buffer.Length)
            {
                // Full, and the record is larger still: grow only once the stream has filled the buffer, so a hostile
                // length in a short file allocates nothing and growth never passes twice the bytes actually read.
                var larger = new byte[Math.Min(CaptureLimits.MaxReadBufferBytes, Math.Max(count, _buffer.Length * 2))];
                Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                _buffer = larger;
            }

            int read;
            try
            {
                read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                // Corrupt gzip data or a failing disk: what was read stays valid, the rest is lost (and reported).
                Failed = true;
                read = 0;
            }

            if (read == 0)
            {
                _eof = true;
                return false;
            }

            _end += read;
        }

        return true;
    }

    public ReadOnlySpan<byte> Peek(int count) => _buffer.AsSpan(_start, count);

    public ReadOnlyMemory<byte> PeekMemory(int offset, int count) => _buffer.AsMemory(_start + offset, count);

    public void Advance(int count)
    {
        _start += count;
        Consumed += count;
    }

    /// <summary>Skips bytes that may extend past the buffer (a huge block we do not want).</summary>
    public bool Skip(long count)
    {
        while (count > 0)
        {
            if (_end == _start && !Ensure(1))
            {
                return false;
            }

            var step = (int)Math.Min(count, _end - _start);
            Advance(step);
            count -= step;
        }

        return true;
    }

    public void Dispose() => _stream.Dispose();
}
