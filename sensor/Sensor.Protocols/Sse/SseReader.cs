namespace Sensor.Protocols.Sse;

/// <summary>
/// Incremental <c>text/event-stream</c> reader per WHATWG HTML §9.2.6 "Interpreting an event stream": lines end in
/// CRLF, LF or CR (a CRLF split across chunks is one line end), a leading UTF-8 BOM is dropped, <c>:</c> starts a
/// comment, fields <c>event</c>/<c>data</c>/<c>id</c>/<c>retry</c>, an empty line dispatches. Feed chunks as they
/// arrive; whole lines inside a chunk are read in place, only a line cut by a chunk end is copied. Buffers grow to the
/// largest event seen (bounded by <see cref="SseLimits.MaxEventBytes"/>) and are reused: no allocation per event.
/// One reader per stream; not thread-safe.
/// </summary>
public sealed class SseReader
{
    // Room for the field name and ": " in front of a maximal data value.
    private const int MaxLineBytes = SseLimits.MaxEventBytes + 64;
    private const int InitialBufferBytes = 256;
    // First size of the event-type and id buffers: event names and ids are a few dozen bytes (message_start,
    // content_block_delta, UUIDs), so a stream rarely grows them; they start empty because many streams send neither.
    private const int InitialFieldBytes = 64;
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private byte[] _line = [];
    private int _lineLength;
    private bool _lineOverflow;
    private bool _skipLf;
    private bool _atStart = true;

    private byte[] _data = [];
    private int _dataLength;
    private bool _dataAppended;
    private bool _eventOversized;
    private byte[] _eventType = [];
    private int _eventTypeLength;
    private byte[] _id = [];
    private int _idLength;
    private long _retry = -1;
    private bool _pendingReset;

    /// <summary>Events dispatched so far.</summary>
    public long Events { get; private set; }

    /// <summary>Events skipped for size.</summary>
    public long OversizedEvents { get; private set; }

    /// <summary>The event the last <see cref="SseReadStatus.Event"/> produced; valid until the next <see cref="Read"/>.</summary>
    public SseEvent Current => new(
        _eventTypeLength == 0 ? "message"u8 : _eventType.AsSpan(0, _eventTypeLength),
        _data.AsSpan(0, _dataLength),
        _id.AsSpan(0, _idLength),
        _retry);

    /// <summary>
    /// Reads from <paramref name="input"/> up to the next event, advancing it past what was used. Call again with the
    /// rest while the result is not <see cref="SseReadStatus.NeedMoreData"/>.
    /// </summary>
    public SseReadStatus Read(ref ReadOnlySpan<byte> input)
    {
        if (_pendingReset)
        {
            ResetEvent();
        }

        while (true)
        {
            if (_skipLf)
            {
                if (input.IsEmpty)
                {
                    return SseReadStatus.NeedMoreData;
                }

                _skipLf = false;
                if (input[0] == Lf)
                {
                    input = input[1..];
                }
            }

            var end = input.IndexOfAny(Cr, Lf);
            if (end < 0)
            {
                AppendPartialLine(input);
                input = default;
                return SseReadStatus.NeedMoreData;
            }

            ReadOnlySpan<byte> line;
            if (_lineLength > 0 || _lineOverflow)
            {
                AppendPartialLine(input[..end]);
                line = _line.AsSpan(0, _lineLength);
            }
            else
            {
                line = input[..end];
            }

            var overflow = _lineOverflow;
            _lineLength = 0;
            _lineOverflow = false;
            if (input[end] == Cr && end + 1 == input.Length)
            {
                _skipLf = true;
                input = default;
            }
            else
            {
                input = input[(input[end] == Cr && input[end + 1] == Lf ? end + 2 : end + 1)..];
            }

            if (_atStart)
            {
                _atStart = false;
                if (line.StartsWith("\uFEFF"u8))
                {
                    line = line[3..];
                }
            }

            if (overflow)
            {
                _eventOversized = true;
                continue;
            }

            var status = ProcessLine(line);
            if (status != SseReadStatus.NeedMoreData)
            {
                return status;
            }
        }
    }

    /// <summary>Forgets the stream (a new connection): the last event ID is reset too.</summary>
    public void Reset()
    {
        ResetEvent();
        _idLength = 0;
        _retry = -1;
        _lineLength = 0;
        _lineOverflow = false;
        _skipLf = false;
        _atStart = true;
    }

    private SseReadStatus ProcessLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return Dispatch();
        }

        if (line[0] == (byte)':')
        {
            return SseReadStatus.NeedMoreData;
        }

        var colon = line.IndexOf((byte)':');
        ReadOnlySpan<byte> field, value;
        if (colon < 0)
        {
            field = line;
            value = default;
        }
        else
        {
            field = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
        }

        if (field.SequenceEqual("data"u8))
        {
            AppendData(value);
        }
        else if (field.SequenceEqual("event"u8))
        {
            if (value.Length > SseLimits.MaxFieldValueBytes)
            {
                _eventOversized = true;
            }
            else
            {
                GrowField(ref _eventType, value.Length);
                value.CopyTo(_eventType);
                _eventTypeLength = value.Length;
            }
        }
        else if (field.SequenceEqual("id"u8))
        {
            if (value.IndexOf((byte)0) < 0)
            {
                if (value.Length > SseLimits.MaxFieldValueBytes)
                {
                    _eventOversized = true;
                }
                else
                {
                    GrowField(ref _id, value.Length);
                    value.CopyTo(_id);
                    _idLength = value.Length;
                }
            }
        }
        else if (field.SequenceEqual("retry"u8))
        {
            SetRetry(value);
        }

        return SseReadStatus.NeedMoreData;
    }

    private SseReadStatus Dispatch()
    {
        if (_eventOversized)
        {
            OversizedEvents++;
            ResetEvent();
            return SseReadStatus.EventTooLarge;
        }

        if (!_dataAppended)
        {
            // The spec resets the data and event type buffers and dispatches nothing.
            ResetEvent();
            return SseReadStatus.NeedMoreData;
        }

        Events++;
        _pendingReset = true;
        return SseReadStatus.Event;
    }

    private void AppendData(ReadOnlySpan<byte> value)
    {
        if (_eventOversized)
        {
            return;
        }

        var separator = _dataAppended ? 1 : 0;
        var needed = _dataLength + separator + value.Length;
        if (needed > SseLimits.MaxEventBytes)
        {
            _eventOversized = true;
            return;
        }

        Grow(ref _data, needed);
        if (separator == 1)
        {
            _data[_dataLength++] = Lf;
        }

        value.CopyTo(_data.AsSpan(_dataLength));
        _dataLength += value.Length;
        _dataAppended = true;
    }

    private void SetRetry(ReadOnlySpan<byte> value)
    {
        // Digits only (the spec ignores anything else); 18 digits cannot overflow a long.
        if (value.IsEmpty || value.Length > 18 || value.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return;
        }

        long millis = 0;
        foreach (var digit in value)
        {
            millis = (millis * 10) + (digit - '0');
        }

        _retry = millis;
    }

    private void AppendPartialLine(ReadOnlySpan<byte> part)
    {
        if (_lineOverflow || part.IsEmpty)
        {
            return;
        }

        var needed = _lineLength + part.Length;
        if (needed > MaxLineBytes)
        {
            _lineOverflow = true;
            _lineLength = 0;
            return;
        }

        Grow(ref _line, needed);
        part.CopyTo(_line.AsSpan(_lineLength));
        _lineLength = needed;
    }

    private void ResetEvent()
    {
        _pendingReset = false;
        _dataLength = 0;
        _dataAppended = false;
        _eventOversized = false;
        _eventTypeLength = 0;
    }

    private static void Grow(ref byte[] buffer, int needed)
    {
        if (needed <= buffer.Length)
        {
            return;
        }

        var size = Math.Max(InitialBufferBytes, buffer.Length);
        while (size < needed)
        {
            size *= 2;
        }

        Array.Resize(ref buffer, size);
    }

    /// <summary>Makes an event-type or id buffer hold <paramref name="needed"/> bytes (at most MaxFieldValueBytes); old bytes need not survive.</summary>
    private static void GrowField(ref byte[] buffer, int needed)
    {
        if (needed <= buffer.Length)
        {
            return;
        }

        var size = Math.Max(InitialFieldBytes, buffer.Length);
        while (size < needed)
        {
            size *= 2;
        }

        buffer = new byte[Math.Min(size, SseLimits.MaxFieldValueBytes)];
    }
}
