using System.Buffers;
using System.Text;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Sessions.Http.Decoding;

namespace Sensor.Sessions.Http;

/// <summary>
/// The one path every HTTP exchange of a connection takes, whatever framed it (HTTP/1.x, HTTP/2): it undoes content
/// codings under caps, keeps bodies up to <see cref="MaxBodyBytes"/>, calls the worker's <see cref="IHttpObserver"/>s
/// at each step, gives the detectors (<see cref="PayloadHooks.Inspect"/>) the URL, every header value and the whole
/// decoded bodies, and writes the <c>http</c> event once the response is complete (observers first, so their
/// evidence and redactions are in it). Sessions call, in order per exchange:
/// <see cref="Begin"/>, <see cref="OnRequestHeaders"/>, <see cref="OnBody"/>*, <see cref="OnRequestComplete"/>,
/// <see cref="OnResponseHeaders"/>, <see cref="OnBody"/>*, <see cref="OnResponseComplete"/> (response steps may
/// start before the request completes; <see cref="OnResponseComplete"/> may come at any point when the connection ends).
/// </summary>
public sealed class HttpExchangeDispatcher
{
    /// <summary>
    /// Decoded bytes kept per body: Suricata's <c>compression-bomb-limit</c> (1 MiB) rather than its 100 KiB body
    /// limit, because MCP tool lists and AI requests must be parsed whole to be understood.
    /// </summary>
    public const int MaxBodyBytes = (int)ContentDecoder.DefaultMaxOutputBytes;

    /// <summary>
    /// Decoded bytes fed to observers per event-stream body: SSE streams stay open for a whole session, so they may
    /// pass many bodies' worth through (only the first <see cref="MaxBodyBytes"/> are kept).
    /// </summary>
    public const long MaxEventStreamDecodedBytes = 64L << 20;

    /// <summary>UTF-8 bytes of a header value or URL converted on the stack: 1 KiB covers all but long cookies and JWTs.</summary>
    private const int MaxStackValueBytes = 1024;

    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly bool _decrypted;
    private readonly BodySink _sink;
    /// <summary>Made on the first content-coded body: most connections have none, and the dispatcher lives as long as its flow.</summary>
    private Dictionary<(HttpExchange, Direction), ContentDecoder>? _decoders;
    private int _next;

    public HttpExchangeDispatcher(FlowIdentity flow, StreamContext context, bool decrypted)
    {
        _flow = flow;
        _context = context;
        _decrypted = decrypted;
        _sink = new BodySink(this);
    }

    private PayloadHooks Hooks => _context.Payloads;

    private long Now => _context.Clock.NowMicros;

    /// <summary>A new exchange on this connection, numbered in order, timed now.</summary>
    public HttpExchange Begin(string protocol, int streamId = 0) =>
        new(_flow, protocol, _next++, streamId) { Decrypted = _decrypted, RequestMicros = Now };

    /// <summary>Method, target, Host and request headers are set.</summary>
    public void OnRequestHeaders(HttpExchange exchange)
    {
        // Indexed loops over the hooks here and below: enumerating an IReadOnlyList allocates an enumerator per call.
        var observers = Hooks.Observers;
        for (var i = 0; i < observers.Count; i++)
        {
            observers[i].OnRequestHeaders(exchange);
        }

        if (!Hooks.HasInspectors)
        {
            return;
        }

        var contentType = exchange.RequestHeaders.Get("content-type");
        if (exchange.Target is { } target)
        {
            Inspect(exchange, Direction.ToServer, PayloadLocation.RequestUrl, contentType, target);
        }

        foreach (var header in exchange.RequestHeaders)
        {
            Inspect(exchange, Direction.ToServer, Location(header.Name, request: true), contentType, header.Value);
        }
    }

    /// <summary>Status and response headers are set; marks <c>text/event-stream</c> bodies as incremental.</summary>
    public void OnResponseHeaders(HttpExchange exchange)
    {
        exchange.ResponseMicros = Now;
        var contentType = exchange.ResponseHeaders.Get("content-type");
        if (contentType is not null && IsEventStream(contentType))
        {
            exchange.ResponseIsEventStream = true;
        }

        var observers = Hooks.Observers;
        for (var i = 0; i < observers.Count; i++)
        {
            observers[i].OnResponseHeaders(exchange);
        }

        if (!Hooks.HasInspectors)
        {
            return;
        }

        foreach (var header in exchange.ResponseHeaders)
        {
            Inspect(exchange, Direction.ToClient, Location(header.Name, request: false), contentType, header.Value);
        }
    }

    /// <summary>
    /// Body bytes after transfer decoding (HTTP/1.1 chunked, HTTP/2 DATA frames), before content decoding; valid only
    /// during the call. Event-stream response bytes also go to <see cref="IHttpObserver.OnBodyData"/> as they arrive.
    /// </summary>
    public void OnBody(HttpExchange exchange, Direction direction, ReadOnlySpan<byte> wire)
    {
        if (wire.IsEmpty)
        {
            return;
        }

        var body = direction == Direction.ToServer ? exchange.RequestBody : exchange.ResponseBody;
        var first = body.WireLength == 0;
        body.WireLength += wire.Length;
        var headers = direction == Direction.ToServer ? exchange.RequestHeaders : exchange.ResponseHeaders;
        var encoding = headers.Get("content-encoding");
        if (encoding is null)
        {
            if (first && DeclaredLength(headers) is { } declared)
            {
                body.Reserve(declared, MaxBodyBytes); // one buffer of the declared size instead of doubling up to it
            }

            _sink.Deliver(exchange, direction, body, wire);
            return;
        }

        _decoders ??= new(DecoderKeyComparer.Instance);
        if (!_decoders.TryGetValue((exchange, direction), out var decoder))
        {
            var cap = direction == Direction.ToClient && exchange.ResponseIsEventStream ? MaxEventStreamDecodedBytes : MaxBodyBytes;
            decoder = ContentDecoder.Create(encoding, cap, out var unsupported);
            if (decoder is null)
            {
                // identity, or a coding we cannot undo (zstd, compress): keep the bytes as sent.
                if (unsupported)
                {
                    body.Truncated = true;
                }

                _sink.Deliver(exchange, direction, body, wire);
                return;
            }

            _decoders[(exchange, direction)] = decoder;
        }

        var before = decoder.Status;
        _sink.Bind(exchange, direction, body);
        var status = decoder.Decode(wire, _sink);
        _sink.Bind(null, direction, null);
        if (status != before)
        {
            body.Truncated = true;
            switch (status)
            {
                case ContentDecodeStatus.Bomb:
                    Report(AnomalyKind.HttpCompressionBomb, decoder.OutputBytes);
                    break;
                case ContentDecodeStatus.Invalid:
                    Report(AnomalyKind.HttpContentDecodingError, decoder.InputBytes);
                    break;
                case ContentDecodeStatus.OutputCap:
                    Report(AnomalyKind.HttpBodyTruncated, decoder.OutputBytes);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Bytes of this body were lost (capture gap): what is kept is not the whole body.</summary>
    public static void OnBodyGap(HttpExchange exchange, Direction direction) =>
        (direction == Direction.ToServer ? exchange.RequestBody : exchange.ResponseBody).Truncated = true;

    /// <summary>The request body is complete (or will never complete: then it is marked truncated by the caller).</summary>
    public void OnRequestComplete(HttpExchange exchange)
    {
        Release(exchange, Direction.ToServer);
        var observers = Hooks.Observers;
        for (var i = 0; i < observers.Count; i++)
        {
            observers[i].OnRequestComplete(exchange);
        }

        if (Hooks.HasInspectors && exchange.RequestBody.Length > 0)
        {
            Hooks.Inspect(Source(exchange, Direction.ToServer, PayloadLocation.RequestBody, exchange.RequestHeaders.Get("content-type")), exchange.RequestBody.Content.Span);
        }
    }

    /// <summary>
    /// The response is complete (<paramref name="ended"/> true) or the connection ended with it open: observers and
    /// detectors see the bodies, then the <c>http</c> event is written. Call exactly once per exchange.
    /// </summary>
    public void OnResponseComplete(HttpExchange exchange, bool ended)
    {
        Release(exchange, Direction.ToServer);
        Release(exchange, Direction.ToClient);
        var observers = Hooks.Observers;
        for (var i = 0; i < observers.Count; i++)
        {
            observers[i].OnResponseComplete(exchange, ended);
        }

        if (Hooks.HasInspectors && exchange.ResponseBody.Length > 0)
        {
            Hooks.Inspect(Source(exchange, Direction.ToClient, PayloadLocation.ResponseBody, exchange.ResponseHeaders.Get("content-type")), exchange.ResponseBody.Content.Span);
        }

        _context.Events.Write(new HttpEvent(exchange.RequestMicros != 0 ? exchange.RequestMicros : Now, _flow, exchange, ended));
    }

    /// <summary>A single, plain Content-Length (the usual form), or null: only a size hint, framing is the session's job.</summary>
    private static long? DeclaredLength(HttpHeaderList headers) =>
        headers.Get("content-length") is { } text
        && long.TryParse(text.AsSpan().Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            ? length
            : null;

    private static bool IsEventStream(string contentType) =>
        contentType.AsSpan().TrimStart().StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);

    private void Release(HttpExchange exchange, Direction direction)
    {
        if (_decoders is not null && _decoders.Remove((exchange, direction), out var decoder))
        {
            decoder.Dispose();
        }
    }

    private void Report(AnomalyKind kind, long value) => _context.Anomalies.Report(kind, Now, _flow, value);

    private PayloadSource Source(HttpExchange exchange, Direction direction, string location, string? contentType) =>
        new(_flow, direction, location, exchange, contentType, Now);

    /// <summary>One text value to the inspectors as UTF-8: from the stack when short (most are), else a pooled buffer.</summary>
    private void Inspect(HttpExchange exchange, Direction direction, string location, string? contentType, string value)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        // Sized to the value, not the cap: the runtime zeroes a stackalloc, and a 1 KiB clear per header value showed.
        Span<byte> buffer = needed <= MaxStackValueBytes ? stackalloc byte[needed] : (rented = ArrayPool<byte>.Shared.Rent(needed));
        var length = Encoding.UTF8.GetBytes(value, buffer);
        Hooks.Inspect(Source(exchange, direction, location, contentType), buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Location names are the same on every exchange: <see cref="PayloadLocation"/> makes each once.</summary>
    private static string Location(string header, bool request) =>
        request ? PayloadLocation.RequestHeader(header) : PayloadLocation.ResponseHeader(header);

    /// <summary>Decoded bytes to the body (kept up to the cap) and, for event streams, to the observers as they come.</summary>
    private sealed class BodySink(HttpExchangeDispatcher owner) : IDecodedSink
    {
        private HttpExchange? _exchange;
        private HttpBody? _body;
        private Direction _direction;

        public void Bind(HttpExchange? exchange, Direction direction, HttpBody? body)
        {
            _exchange = exchange;
            _direction = direction;
            _body = body;
        }

        public bool Accept(ReadOnlySpan<byte> decoded)
        {
            owner._sink.Deliver(_exchange!, _direction, _body!, decoded);
            return true;
        }

        public void Deliver(HttpExchange exchange, Direction direction, HttpBody body, ReadOnlySpan<byte> decoded)
        {
            var wasTruncated = body.Truncated;
            body.Append(decoded, MaxBodyBytes);
            var incremental = direction == Direction.ToClient && exchange.ResponseIsEventStream;
            if (incremental)
            {
                var observers = owner.Hooks.Observers;
                for (var i = 0; i < observers.Count; i++)
                {
                    observers[i].OnBodyData(exchange, direction, decoded);
                }
            }
            else if (!wasTruncated && body.Truncated)
            {
                owner.Report(AnomalyKind.HttpBodyTruncated, body.DecodedLength);
            }
        }
    }

    /// <summary>Exchanges compare by reference: two exchanges are never "equal".</summary>
    private sealed class DecoderKeyComparer : IEqualityComparer<(HttpExchange, Direction)>
    {
        public static readonly DecoderKeyComparer Instance = new();

        public bool Equals((HttpExchange, Direction) x, (HttpExchange, Direction) y) => ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2;

        public int GetHashCode((HttpExchange, Direction) obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1) ^ (int)obj.Item2;
    }
}
