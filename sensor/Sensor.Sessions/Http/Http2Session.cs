using System.Buffers;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Protocols.Hpack;
using Sensor.Protocols.Http2;

namespace Sensor.Sessions.Http;

/// <summary>
/// One HTTP/2 connection (RFC 9113) seen from the side: frames reassembled per direction across TCP segments, one
/// HPACK decoder per direction, HEADERS + CONTINUATION joined into blocks, and each stream turned into an
/// <see cref="HttpExchange"/> that goes through the same <see cref="HttpExchangeDispatcher"/> as HTTP/1.1.
/// Streams end with END_STREAM, RST_STREAM, GOAWAY or the connection's end; none is lost. A gap stops parsing:
/// the HPACK tables can no longer be trusted, so every later header block would be guesswork.
/// </summary>
internal sealed partial class Http2Session : IStreamConsumer
{
    public const string Protocol = "HTTP/2";

    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly HttpExchangeDispatcher _dispatcher;
    private readonly DirectionState[] _directions = [new(Direction.ToServer), new(Direction.ToClient)];
    private readonly Dictionary<int, StreamState> _streams = [];
    private readonly Http2HeaderCollector _collector = new();
    private readonly bool[] _ended = new bool[2];
    private bool _stopped;

    public Http2Session(FlowIdentity flow, StreamContext context, bool decrypted, HttpExchangeDispatcher? dispatcher = null)
    {
        _flow = flow;
        _context = context;
        _dispatcher = dispatcher ?? new HttpExchangeDispatcher(flow, context, decrypted);
        flow.AppProto ??= "http2";
    }

    /// <summary>Streams currently open (tests, caps).</summary>
    public int OpenStreams => _streams.Count;

    private long Now => _context.Clock.NowMicros;

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        var state = _directions[(int)direction];
        foreach (var segment in data)
        {
            if (_stopped)
            {
                return;
            }

            var span = segment.Span;
            if (state.PendingLength == 0)
            {
                var consumed = Process(state, span);
                if (!_stopped)
                {
                    state.Keep(span[consumed..]);
                }

                continue;
            }

            state.Append(span);
            var used = Process(state, state.Pending);
            if (!_stopped)
            {
                state.Consume(used);
            }
        }
    }

    public void OnGap(Direction direction, long missingBytes)
    {
        if (_stopped)
        {
            return;
        }

        Report(AnomalyKind.Http2Gap, missingBytes);
        Stop();
    }

    public void OnEnd(Direction direction, EndReason reason)
    {
        _ended[(int)direction] = true;

        // Once the server side is gone no response can complete; with both gone nothing can.
        if (direction == Direction.ToClient || _ended[(int)Direction.ToClient])
        {
            FinishAll();
            _stopped = true;
        }
    }

    /// <summary>Reads whole frames from <paramref name="data"/>; returns the bytes consumed (the rest waits for more).</summary>
    private int Process(DirectionState state, ReadOnlySpan<byte> data)
    {
        var at = 0;
        if (!state.PrefaceDone)
        {
            var preface = Http2Preface.Check(data);
            if (preface == Http2Status.NeedMoreData)
            {
                return 0;
            }

            if (preface != Http2Status.Done)
            {
                Report(AnomalyKind.Http2BadPreface, 0);
                Stop();
                return data.Length;
            }

            state.PrefaceDone = true;
            at = Http2Preface.Length;
        }

        while (!_stopped)
        {
            var rest = data[at..];
            var status = Http2FrameHeader.TryRead(rest, Http2Limits.MaxFrameSize, out var header);
            if (status == Http2Status.NeedMoreData)
            {
                break;
            }

            if (status != Http2Status.Done)
            {
                Report(AnomalyKind.Http2FrameTooLarge, header.Length);
                Stop();
                return data.Length;
            }

            if (rest.Length < Http2FrameHeader.Size + header.Length)
            {
                break;
            }

            OnFrame(state, header, rest.Slice(Http2FrameHeader.Size, header.Length));
            at += Http2FrameHeader.Size + header.Length;
        }

        return _stopped ? data.Length : at;
    }

    private void Report(AnomalyKind kind, long value) => _context.Anomalies.Report(kind, Now, _flow, value);

    /// <summary>Stops parsing this connection: open exchanges are written now, marked incomplete.</summary>
    private void Stop()
    {
        _stopped = true;
        FinishAll();
        foreach (var d in _directions)
        {
            d.Release();
        }
    }

    /// <summary>Completes every open stream, in stream order, as not ended (their http events say complete: false).</summary>
    private void FinishAll()
    {
        if (_streams.Count == 0)
        {
            return;
        }

        foreach (var stream in _streams.Values.OrderBy(s => s.Id).ToList())
        {
            Complete(stream, ended: false);
        }
    }

    /// <summary>
    /// The stream is over: <paramref name="ended"/> when its response ended (END_STREAM, or RST_STREAM which closes it
    /// on purpose); otherwise whatever body was still flowing is marked truncated.
    /// </summary>
    private void Complete(StreamState stream, bool ended)
    {
        _streams.Remove(stream.Id);
        var exchange = stream.Exchange;
        if (!stream.RequestComplete)
        {
            stream.RequestComplete = true;
            if (!ended)
            {
                HttpExchangeDispatcher.OnBodyGap(exchange, Direction.ToServer);
            }

            _dispatcher.OnRequestComplete(exchange);
        }

        if (!ended)
        {
            HttpExchangeDispatcher.OnBodyGap(exchange, Direction.ToClient);
        }

        _dispatcher.OnResponseComplete(exchange, ended);
    }

    /// <summary>Per-direction frame buffer, HPACK decoder, header block in progress and settings the other side sent.</summary>
    private sealed class DirectionState(Direction direction)
    {
        private byte[] _buffer = [];

        public Direction Direction { get; } = direction;

        /// <summary>Only the client sends a preface.</summary>
        public bool PrefaceDone { get; set; } = direction == Direction.ToClient;

        public HpackDecoder Decoder { get; } = new();

        public int PendingLength { get; private set; }

        public ReadOnlySpan<byte> Pending => _buffer.AsSpan(0, PendingLength);

        // Header block in progress (HEADERS or PUSH_PROMISE, then CONTINUATION until END_HEADERS).
        public int BlockStream { get; set; }

        public int PromisedStream { get; set; }

        public bool BlockEndStream { get; set; }

        public int Continuations { get; set; }

        public ArrayBufferWriter<byte>? Block { get; set; }

        public bool InBlock => BlockStream != 0;

        public void Keep(ReadOnlySpan<byte> rest)
        {
            if (!rest.IsEmpty)
            {
                Append(rest);
            }
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (PendingLength + bytes.Length > _buffer.Length)
            {
                var grown = new byte[Math.Max(PendingLength + bytes.Length, Math.Max(4096, _buffer.Length * 2))];
                Pending.CopyTo(grown);
                _buffer = grown;
            }

            bytes.CopyTo(_buffer.AsSpan(PendingLength));
            PendingLength += bytes.Length;
        }

        public void Consume(int count)
        {
            _buffer.AsSpan(count, PendingLength - count).CopyTo(_buffer);
            PendingLength -= count;
            if (PendingLength == 0 && _buffer.Length > 64 * 1024)
            {
                // A large frame passed: do not keep its buffer for the connection's life.
                _buffer = [];
            }
        }

        public void Release()
        {
            _buffer = [];
            PendingLength = 0;
            Block = null;
        }
    }

    private sealed class StreamState(int id, HttpExchange exchange)
    {
        public int Id { get; } = id;

        public HttpExchange Exchange { get; } = exchange;

        public bool RequestHeadersDone { get; set; }

        public bool RequestComplete { get; set; }

        public bool ResponseHeadersDone { get; set; }
    }
}
