using System.Buffers;
using System.Buffers.Binary;
using Sensor.Core.Parsing;

namespace Sensor.Protocols.Tls;

/// <summary>
/// One direction of a TLS stream up to the end of the clear handshake: records are collected across TCP
/// segments, handshake fragments across records, and each whole handshake message goes to the handler.
/// A ClientHello spanning several records and segments (post-quantum key shares) is the normal case.
/// Buffers are pooled and returned when the handshake part ends.
/// </summary>
public sealed class TlsHandshakeReassembler
{
    // Handshake message: HandshakeType msg_type(1); uint24 length; body
    private const int HandshakeHeaderLength = 4;

    private readonly int _maxMessage;
    private byte[]? _record;
    private int _recordFill;
    private int _recordNeed;
    private byte[]? _handshake;
    private readonly byte[] _header = new byte[TlsRecordReader.HeaderLength];
    private int _headerFill;
    private long _skip;
    private int _handshakeFill;

    public TlsHandshakeReassembler(int maxMessage = TlsConstants.MaxHandshakeMessage)
    {
        _maxMessage = maxMessage;
    }

    public TlsStreamStatus Status { get; private set; } = TlsStreamStatus.NeedMoreData;

    /// <summary>The record-layer version of the first record, for JA3-style reporting of very old clients.</summary>
    public ushort FirstRecordVersion { get; private set; }

    /// <summary>Application-data records (content type 23) seen so far, the handshake's own included.</summary>
    public long ApplicationDataRecords { get; private set; }

    /// <summary>Bytes in those records (fragment lengths).</summary>
    public long ApplicationDataBytes { get; private set; }

    public TlsStreamStatus Feed(ReadOnlySequence<byte> data, ITlsHandshakeHandler handler)
    {
        foreach (var segment in data)
        {
            var span = segment.Span;
            while (Status == TlsStreamStatus.NeedMoreData && !span.IsEmpty)
            {
                span = span[FeedRecordBytes(span, handler)..];
            }

            if (Status == TlsStreamStatus.Done)
            {
                CountRecords(span);
            }
        }

        return Status;
    }

    /// <summary>
    /// After the clear handshake, walks record headers only (no buffering) to count application data: how a
    /// SPAN sensor tells a used connection from one a client pool opened and never used.
    /// </summary>
    private void CountRecords(ReadOnlySpan<byte> input)
    {
        while (!input.IsEmpty)
        {
            if (_skip > 0)
            {
                var step = (int)Math.Min(_skip, input.Length);
                _skip -= step;
                input = input[step..];
                continue;
            }

            var take = Math.Min(TlsRecordReader.HeaderLength - _headerFill, input.Length);
            input[..take].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += take;
            input = input[take..];
            if (_headerFill < TlsRecordReader.HeaderLength)
            {
                return;
            }

            _headerFill = 0;
            var length = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(3));
            if (_header[0] == TlsConstants.ContentApplicationData)
            {
                ApplicationDataRecords++;
                ApplicationDataBytes += length;
            }

            _skip = length;
        }
    }

    private int FeedRecordBytes(ReadOnlySpan<byte> input, ITlsHandshakeHandler handler)
    {
        _record ??= ArrayPool<byte>.Shared.Rent(TlsRecordReader.HeaderLength + TlsConstants.MaxRecordFragment);
        var used = 0;
        if (_recordFill < TlsRecordReader.HeaderLength)
        {
            used = Math.Min(TlsRecordReader.HeaderLength - _recordFill, input.Length);
            input[..used].CopyTo(_record.AsSpan(_recordFill));
            _recordFill += used;
            if (_recordFill < TlsRecordReader.HeaderLength)
            {
                return used;
            }

            var header = TlsRecordReader.TryRead(_record.AsSpan(0, TlsRecordReader.HeaderLength), out _, out var version);
            if (header.Status == ParseStatus.Invalid)
            {
                return Stop(TlsStreamStatus.Invalid, used);
            }

            if (FirstRecordVersion == 0)
            {
                FirstRecordVersion = version;
            }

            _recordNeed = header.Status == ParseStatus.Done ? header.Consumed : TlsRecordReader.HeaderLength + header.Needed;
        }

        var more = Math.Min(_recordNeed - _recordFill, input.Length - used);
        input.Slice(used, more).CopyTo(_record.AsSpan(_recordFill));
        _recordFill += more;
        used += more;
        if (_recordFill < _recordNeed)
        {
            return used;
        }

        var contentType = _record[0];
        var fragment = _record.AsSpan(TlsRecordReader.HeaderLength, _recordNeed - TlsRecordReader.HeaderLength);
        _recordFill = 0;
        if (contentType == TlsConstants.ContentApplicationData)
        {
            ApplicationDataRecords++;
            ApplicationDataBytes += fragment.Length;
        }

        return contentType == TlsConstants.ContentHandshake
            ? AppendHandshake(fragment, handler, used)
            : Stop(TlsStreamStatus.Done, used); // ChangeCipherSpec, alert or application data: the clear part is over
    }

    private int AppendHandshake(ReadOnlySpan<byte> fragment, ITlsHandshakeHandler handler, int used)
    {
        // Whole messages inside a record are handed on in place; only a message that continues in later records is
        // buffered, and never past its own end. So the cap bounds one message, not a record that carries the end of
        // one message and the start of the next (a server's Certificate and ServerKeyExchange often share records).
        while (!fragment.IsEmpty)
        {
            if (_handshakeFill == 0 && fragment.Length >= HandshakeHeaderLength)
            {
                var length = MessageLength(fragment);
                if (length > _maxMessage)
                {
                    return Stop(TlsStreamStatus.TooLarge, used);
                }

                if (fragment.Length >= HandshakeHeaderLength + length)
                {
                    if (!handler.OnHandshakeMessage(fragment[0], fragment.Slice(HandshakeHeaderLength, length)))
                    {
                        return Stop(TlsStreamStatus.Done, used);
                    }

                    fragment = fragment[(HandshakeHeaderLength + length)..];
                    continue;
                }
            }

            // The header first, then the body: take no byte beyond the end of this message.
            var target = _handshakeFill < HandshakeHeaderLength ? HandshakeHeaderLength : HandshakeHeaderLength + MessageLength(_handshake);
            var take = Math.Min(target - _handshakeFill, fragment.Length);
            EnsureHandshakeCapacity(_handshakeFill + take);
            fragment[..take].CopyTo(_handshake.AsSpan(_handshakeFill));
            _handshakeFill += take;
            fragment = fragment[take..];
            if (_handshakeFill < HandshakeHeaderLength)
            {
                continue;
            }

            var messageLength = MessageLength(_handshake);
            if (messageLength > _maxMessage)
            {
                return Stop(TlsStreamStatus.TooLarge, used);
            }

            if (_handshakeFill == HandshakeHeaderLength + messageLength)
            {
                _handshakeFill = 0;
                if (!handler.OnHandshakeMessage(_handshake![0], _handshake.AsSpan(HandshakeHeaderLength, messageLength)))
                {
                    return Stop(TlsStreamStatus.Done, used);
                }
            }
        }

        return used;
    }

    /// <summary>The uint24 body length of the handshake message starting at <paramref name="message"/>.</summary>
    private static int MessageLength(ReadOnlySpan<byte> message) => (message[1] << 16) | BinaryPrimitives.ReadUInt16BigEndian(message[2..]);

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_handshake))]
    private void EnsureHandshakeCapacity(int needed)
    {
        _handshake ??= ArrayPool<byte>.Shared.Rent(Math.Max(4096, needed));
        if (needed > _handshake.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_maxMessage + HandshakeHeaderLength, Math.Max(_handshake.Length * 2, needed)));
            _handshake.AsSpan(0, _handshakeFill).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_handshake);
            _handshake = bigger;
        }
    }

    private int Stop(TlsStreamStatus status, int used)
    {
        Status = status;
        Release();
        return used;
    }

    /// <summary>Stops parsing this direction (a gap made the rest untrustworthy) and returns the buffers.</summary>
    public void Abandon()
    {
        if (Status == TlsStreamStatus.NeedMoreData)
        {
            Status = TlsStreamStatus.Done;
        }

        Release();
    }

    /// <summary>Returns the pooled buffers (the direction ended or is no longer parsed).</summary>
    public void Release()
    {
        if (_record is not null)
        {
            ArrayPool<byte>.Shared.Return(_record);
            _record = null;
        }

        if (_handshake is not null)
        {
            ArrayPool<byte>.Shared.Return(_handshake);
            _handshake = null;
        }
    }
}
