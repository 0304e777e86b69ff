namespace Sensor.Protocols.Http1;

/// <summary>What one <see cref="Http1ChunkedDecoder.Decode"/> step produced.</summary>
public enum Http1ChunkedStatus : byte
{
    /// <summary>Chunk data: the returned range of the input is body bytes.</summary>
    Data,

    /// <summary>All input was consumed (framing only); call again with more.</summary>
    NeedMoreData,

    /// <summary>The last chunk and the trailer section are complete; bytes after <c>consumed</c> belong to the next message.</summary>
    Done,

    Invalid,

    /// <summary>A chunk-size line or the trailer section is over its <see cref="Http1Limits"/> cap.</summary>
    TooLarge,
}

/// <summary>
/// The chunked transfer coding (RFC 9112 §7.1) as a resumable state machine: framing bytes may be split
/// anywhere between calls and nothing is buffered, so memory stays constant whatever the chunk sizes.
/// <code>
///   chunk      = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
///   last-chunk = 1*("0") [ chunk-ext ] CRLF
///   chunked-body = *chunk last-chunk trailer-section CRLF
/// </code>
/// Extensions are skipped (bounded by <see cref="Http1Limits.MaxChunkLineBytes"/>); trailer fields are skipped
/// (bounded by <see cref="Http1Limits.MaxTrailerSectionBytes"/>).
/// </summary>
public struct Http1ChunkedDecoder
{
    private State _state;
    private long _remaining;
    private int _digits;
    private int _lineBytes;
    private int _trailerBytes;

    private enum State : byte
    {
        Size,
        AfterSize,
        Extension,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerLineStart,
        TrailerLine,
        FinalLf,
        Done,
        Failed,
    }

    public readonly bool IsDone => _state == State.Done;

    /// <summary>Chunk data still expected in the current chunk (0 outside chunk data).</summary>
    public readonly long RemainingInChunk => _state == State.Data ? _remaining : 0;

    /// <summary>Chunks whose size line has been read (the last chunk included).</summary>
    public int Chunks { get; private set; }

    /// <summary>
    /// Reads framing from the start of <paramref name="input"/> until it reaches chunk data (returned as
    /// <paramref name="data"/>, a range of <paramref name="input"/>), the end of the body, or the end of the input.
    /// </summary>
    /// <param name="consumed">Bytes of <paramref name="input"/> used, framing and data alike.</param>
    public Http1ChunkedStatus Decode(ReadOnlySpan<byte> input, out int consumed, out Range data)
    {
        data = default;
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Size:
                    if (HexValue(b) is var digit and >= 0)
                    {
                        if (++_digits > Http1Limits.MaxChunkSizeDigits)
                        {
                            return Fail(Http1ChunkedStatus.TooLarge, i, out consumed);
                        }

                        _remaining = (_remaining << 4) | (uint)digit;
                        break;
                    }

                    if (_digits == 0)
                    {
                        return Fail(Http1ChunkedStatus.Invalid, i, out consumed);
                    }

                    _state = State.AfterSize;
                    continue; // look at this byte again

                case State.AfterSize:
                    if (b is (byte)';')
                    {
                        _state = State.Extension;
                    }
                    else if (b is Http1Chars.Cr)
                    {
                        _state = State.SizeLf;
                    }
                    else if (b is Http1Chars.Lf)
                    {
                        EndSizeLine();
                    }
                    else if (b is not (Http1Chars.Space or Http1Chars.Tab))
                    {
                        return Fail(Http1ChunkedStatus.Invalid, i, out consumed);
                    }

                    break;

                case State.Extension:
                    if (b is Http1Chars.Lf)
                    {
                        EndSizeLine();
                    }

                    break;

                case State.SizeLf:
                    if (b is not Http1Chars.Lf)
                    {
                        return Fail(Http1ChunkedStatus.Invalid, i, out consumed);
                    }

                    EndSizeLine();
                    break;

                case State.Data:
                    var take = (int)Math.Min(_remaining, input.Length - i);
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.DataCr;
                    }

                    data = i..(i + take);
                    consumed = i + take;
                    return Http1ChunkedStatus.Data;

                case State.DataCr:
                    if (b is Http1Chars.Cr)
                    {
                        _state = State.DataLf;
                    }
                    else if (b is Http1Chars.Lf)
                    {
                        _state = State.Size;
                    }
                    else
                    {
                        return Fail(Http1ChunkedStatus.Invalid, i, out consumed);
                    }

                    break;

                case State.DataLf:
                    if (b is not Http1Chars.Lf)
                    {
                        return Fail(Http1ChunkedStatus.Invalid, i, out consumed);
                    }

                    _state = State.Size;
                    break;

                case State.TrailerLineStart:
                    if (b is Http1Chars.Lf)
                    {
                        return Finish(i + 1, out consumed);
                    }

                    _state = b is Http1Chars.Cr ? State.FinalLf : State.TrailerLine;
                    break;

                case State.TrailerLine:
                    if (b is Http1Chars.Lf)
                    {
                        _state = State.TrailerLineStart;
                    }

                    break;

                case State.FinalLf:
                    if (b is Http1Chars.Lf)
                    {
                        return Finish(i + 1, out consumed);
                    }

                    _state = State.TrailerLine; // a trailer field that starts with CR: skip it like any other line
                    break;

                case State.Done:
                    consumed = i;
                    return Http1ChunkedStatus.Done;

                default:
                    consumed = 0;
                    return Http1ChunkedStatus.Invalid;
            }

            i++;
            if (_state is (State.Size or State.AfterSize or State.Extension or State.SizeLf) && ++_lineBytes > Http1Limits.MaxChunkLineBytes)
            {
                return Fail(Http1ChunkedStatus.TooLarge, i, out consumed);
            }

            if (_state is (State.TrailerLine or State.TrailerLineStart or State.FinalLf) && ++_trailerBytes > Http1Limits.MaxTrailerSectionBytes)
            {
                return Fail(Http1ChunkedStatus.TooLarge, i, out consumed);
            }
        }

        consumed = i;
        return _state switch
        {
            State.Done => Http1ChunkedStatus.Done,
            State.Failed => Http1ChunkedStatus.Invalid,
            _ => Http1ChunkedStatus.NeedMoreData,
        };
    }

    private void EndSizeLine()
    {
        Chunks++;
        _digits = 0;
        _lineBytes = 0;
        _state = _remaining == 0 ? State.TrailerLineStart : State.Data;
    }

    private Http1ChunkedStatus Finish(int used, out int consumed)
    {
        _state = State.Done;
        consumed = used;
        return Http1ChunkedStatus.Done;
    }

    private Http1ChunkedStatus Fail(Http1ChunkedStatus status, int at, out int consumed)
    {
        _state = State.Failed;
        consumed = at;
        return status;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
