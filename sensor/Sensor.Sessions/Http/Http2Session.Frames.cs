using System.Buffers;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Protocols.Hpack;
using Sensor.Protocols.Http2;

namespace Sensor.Sessions.Http;

/// <summary>Frame handling: what each frame type does to streams, header blocks and settings.</summary>
internal sealed partial class Http2Session
{
    private void OnFrame(DirectionState state, Http2FrameHeader header, ReadOnlySpan<byte> payload)
    {
        // Between HEADERS and END_HEADERS only CONTINUATION of the same stream may come (RFC 9113 §6.10).
        if (state.InBlock && (header.Type != Http2FrameType.Continuation || header.StreamId != state.BlockStream))
        {
            Malformed();
            return;
        }

        var status = Http2Status.Done;
        switch (header.Type)
        {
            case Http2FrameType.Data:
                status = Http2Frames.ReadData(header, payload, out var data);
                if (status == Http2Status.Done)
                {
                    OnDataFrame(state.Direction, header, data);
                }

                break;
            case Http2FrameType.Headers:
                status = Http2Frames.ReadHeaders(header, payload, out _, out var fragment);
                if (status == Http2Status.Done)
                {
                    StartBlock(state, header, 0, fragment);
                }

                break;
            case Http2FrameType.PushPromise:
                status = Http2Frames.ReadPushPromise(header, payload, out var promised, out var pushFragment);
                if (status == Http2Status.Done)
                {
                    StartBlock(state, header, promised, pushFragment);
                }

                break;
            case Http2FrameType.Continuation:
                status = Http2Frames.ReadContinuation(header, payload, out var more);
                if (!state.InBlock)
                {
                    status = Http2Status.BadStreamId;
                }
                else if (status == Http2Status.Done)
                {
                    ContinueBlock(state, header, more);
                }

                break;
            case Http2FrameType.Settings:
                status = Http2Frames.ReadSettings(header, payload, out var count);
                if (status == Http2Status.Done && !header.HasFlag(Http2Flags.Ack))
                {
                    ApplySettings(state.Direction, payload, count);
                }

                break;
            case Http2FrameType.RstStream:
                status = Http2Frames.ReadRstStream(header, payload, out _);
                if (status == Http2Status.Done && _streams.TryGetValue(header.StreamId, out var reset))
                {
                    Complete(reset, ended: true);
                }

                break;
            case Http2FrameType.GoAway:
                status = Http2Frames.ReadGoAway(header, payload, out var lastStreamId, out _, out _);
                if (status == Http2Status.Done)
                {
                    OnGoAway(state.Direction, lastStreamId);
                }

                break;
            case Http2FrameType.Priority:
                status = Http2Frames.ReadPriority(header, payload, out _);
                break;
            case Http2FrameType.Ping:
                status = Http2Frames.ReadPing(header, payload, out _);
                break;
            case Http2FrameType.WindowUpdate:
                status = Http2Frames.ReadWindowUpdate(header, payload, out _);
                break;
            default:
                // Unknown frame types are ignored (RFC 9113 §5.5).
                break;
        }

        if (status != Http2Status.Done)
        {
            Malformed();
        }
    }

    private void Malformed()
    {
        Report(AnomalyKind.Http2MalformedFrame, 0);
        Stop();
    }

    private void OnDataFrame(Direction direction, Http2FrameHeader header, ReadOnlySpan<byte> data)
    {
        if (!_streams.TryGetValue(header.StreamId, out var stream))
        {
            return;
        }

        _dispatcher.OnBody(stream.Exchange, direction, data);
        if (header.HasFlag(Http2Flags.EndStream))
        {
            EndStream(stream, direction);
        }
    }

    private void StartBlock(DirectionState state, Http2FrameHeader header, int promisedStream, ReadOnlySpan<byte> fragment)
    {
        state.BlockStream = header.StreamId;
        state.PromisedStream = promisedStream;
        state.BlockEndStream = promisedStream == 0 && header.HasFlag(Http2Flags.EndStream);
        state.Continuations = 0;
        if (header.HasFlag(Http2Flags.EndHeaders))
        {
            // The usual case: the whole block is in this frame, decode it in place.
            EndBlock(state, fragment);
            return;
        }

        state.Block ??= new ArrayBufferWriter<byte>();
        state.Block.Clear();
        AppendBlock(state, fragment);
    }

    private void ContinueBlock(DirectionState state, Http2FrameHeader header, ReadOnlySpan<byte> fragment)
    {
        if (++state.Continuations > Http2Limits.MaxContinuationFrames)
        {
            Report(AnomalyKind.Http2ContinuationFlood, state.Continuations);
            Stop();
            return;
        }

        if (!AppendBlock(state, fragment))
        {
            return;
        }

        if (header.HasFlag(Http2Flags.EndHeaders))
        {
            EndBlock(state, state.Block!.WrittenSpan);
            state.Block.Clear();
        }
    }

    private bool AppendBlock(DirectionState state, ReadOnlySpan<byte> fragment)
    {
        if (state.Block!.WrittenCount + fragment.Length > Http2Limits.MaxHeaderBlockSize)
        {
            Report(AnomalyKind.Http2HeaderBlockTooLarge, state.Block.WrittenCount + fragment.Length);
            Stop();
            return false;
        }

        state.Block.Write(fragment);
        return true;
    }

    /// <summary>Decodes a whole block (keeping HPACK in step even for streams past the cap) and applies it to its stream.</summary>
    private void EndBlock(DirectionState state, ReadOnlySpan<byte> block)
    {
        var streamId = state.PromisedStream != 0 ? state.PromisedStream : state.BlockStream;
        var endStream = state.BlockEndStream;
        var isPush = state.PromisedStream != 0;
        state.BlockStream = 0;
        state.PromisedStream = 0;

        // A request (or pushed request) opens a stream; anything else belongs to an open one, or starts one we
        // joined late (its request went by before the capture began).
        var requestSide = state.Direction == Direction.ToServer || isPush;
        _streams.TryGetValue(streamId, out var stream);
        var opensStream = stream is null;
        if (opensStream && _streams.Count >= Http2Limits.MaxOpenStreams)
        {
            Report(AnomalyKind.Http2TooManyStreams, _streams.Count);
            _collector.Reset([]);
            DecodeBlock(state, block);
            return;
        }

        stream ??= Open(streamId);
        var exchange = stream.Exchange;
        var trailers = requestSide ? stream.RequestHeadersDone : stream.ResponseHeadersDone;
        _collector.Reset(requestSide ? exchange.RequestHeaders : exchange.ResponseHeaders);
        if (!DecodeBlock(state, block))
        {
            return;
        }

        if (requestSide && !trailers)
        {
            stream.RequestHeadersDone = true;
            exchange.Method = _collector.Method;
            exchange.Target = _collector.Path;
            exchange.Host = HostOf(_collector.Authority ?? exchange.RequestHeaders.Get("host"), _collector.Scheme);
            _dispatcher.OnRequestHeaders(exchange);
            if (isPush)
            {
                // A pushed request has no body: the server made it up.
                EndStream(stream, Direction.ToServer);
            }
        }
        else if (!requestSide && !trailers)
        {
            if (_collector.Status is >= 100 and < 200)
            {
                // Informational (100-continue, 103 Early Hints): the final response follows in another block.
                exchange.ResponseHeaders.Clear();
                return;
            }

            stream.ResponseHeadersDone = true;
            exchange.Status = _collector.Status;
            _dispatcher.OnResponseHeaders(exchange);
        }

        if (endStream)
        {
            EndStream(stream, state.Direction);
        }
    }

    private bool DecodeBlock(DirectionState state, ReadOnlySpan<byte> block)
    {
        var handler = new Http2HeaderCollector.Handler(_collector);
        var status = state.Decoder.Decode(block, ref handler);
        if (status == HpackStatus.Done)
        {
            return true;
        }

        Report(status == HpackStatus.HeaderListTooLarge ? AnomalyKind.Http2HeaderBlockTooLarge : AnomalyKind.Http2HpackError, (long)status);
        Stop();
        return false;
    }

    private StreamState Open(int streamId)
    {
        var stream = new StreamState(streamId, _dispatcher.Begin(Protocol, streamId));
        _streams[streamId] = stream;
        return stream;
    }

    private void EndStream(StreamState stream, Direction direction)
    {
        if (direction == Direction.ToServer)
        {
            if (!stream.RequestComplete)
            {
                stream.RequestComplete = true;
                _dispatcher.OnRequestComplete(stream.Exchange);
            }

            return;
        }

        Complete(stream, ended: true);
    }

    /// <summary>SETTINGS sent one way govern what the other way sends: its HPACK table bound.</summary>
    private void ApplySettings(Direction from, ReadOnlySpan<byte> payload, int count)
    {
        var toward = _directions[from == Direction.ToServer ? (int)Direction.ToClient : (int)Direction.ToServer];
        for (var i = 0; i < count; i++)
        {
            var (id, value) = Http2Frames.Setting(payload, i);
            if (id == Http2SettingId.HeaderTableSize)
            {
                toward.Decoder.SetAllowedTableSize(value);
            }
        }
    }

    /// <summary>
    /// GOAWAY from the server: streams above its last stream id were never processed (RFC 9113 §6.8), so they end
    /// now. Lower ones may still complete.
    /// </summary>
    private void OnGoAway(Direction from, int lastStreamId)
    {
        if (from != Direction.ToClient)
        {
            return;
        }

        foreach (var stream in _streams.Values.Where(s => s.Id > lastStreamId && s.Id % 2 == 1).OrderBy(s => s.Id).ToList())
        {
            Complete(stream, ended: false);
        }
    }

    /// <summary>:authority without the scheme's default port (the <c>hostname</c> field, like HTTP/1.1's Host).</summary>
    private static string? HostOf(string? authority, string? scheme)
    {
        if (authority is null)
        {
            return null;
        }

        var suffix = scheme == "http" ? ":80" : ":443";
        return authority.EndsWith(suffix, StringComparison.Ordinal) ? authority[..^suffix.Length] : authority;
    }
}
