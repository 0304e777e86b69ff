using System.Buffers;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Protocols.Http1;

namespace Sensor.Sessions.Http;

/// <summary>
/// An HTTP/1.x connection (RFC 9112): requests and responses parsed from each direction's byte stream and paired in
/// order through a queue (pipelining, keep-alive), bodies framed by Content-Length, chunked coding or the end of the
/// connection, and handed to the <see cref="HttpExchangeDispatcher"/>. Heads are gathered into one span only when a
/// segment boundary splits them. What it does at the edges:
/// <list type="bullet">
/// <item>HEAD, 1xx, 204 and 304 responses have no body; 1xx other than 101 are interim (100-continue) and skipped.</item>
/// <item>101 Switching Protocols and a 2xx answer to CONNECT end HTTP on this connection: both directions stop
/// (the tunnelled bytes are not probed again: a CONNECT at the start of a connection is the tunnel code's job).</item>
/// <item>A gap inside a Content-Length body is skipped (the body is marked truncated); anywhere else the direction
/// resynchronises at the next message start. Pairing after a lost request is best effort.</item>
/// <item>Malformed or over-cap input stops that direction with an anomaly; the end of the connection completes every
/// open exchange (<c>complete: false</c>), so no exchange is silently lost.</item>
/// </list>
/// </summary>
internal sealed class Http1Session : IStreamConsumer
{
    /// <summary>Requests awaiting their response: Zeek's <c>HTTP::max_pending_requests</c> (100).</summary>
    public const int MaxPendingRequests = 100;

    /// <summary>First size of a head gathered over segments; it doubles up to <see cref="Http1Limits.MaxHeadBytes"/>.</summary>
    private const int InitialHeadBuffer = 4096;

    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly HttpExchangeDispatcher _dispatcher;
    private readonly Queue<HttpExchange> _awaitingResponse = new();
    private readonly Side _requests = new(Direction.ToServer);
    private readonly Side _responses = new(Direction.ToClient);
    private bool _reportedOrphan;

    public Http1Session(FlowIdentity flow, StreamContext context, bool decrypted)
    {
        _flow = flow;
        _context = context;
        _dispatcher = new HttpExchangeDispatcher(flow, context, decrypted);
        flow.AppProto ??= "http";
    }

    /// <summary>True once a 101 or a CONNECT 2xx turned the connection into something else.</summary>
    public bool Tunnelled { get; private set; }

    /// <summary>Gaps seen, each followed by a skip or a resynchronisation.</summary>
    public int Gaps { get; private set; }

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        var side = direction == Direction.ToServer ? _requests : _responses;
        foreach (var segment in data)
        {
            if (side.Phase == Phase.Stopped)
            {
                return;
            }

            Process(side, segment.Span);
        }
    }

    public void OnGap(Direction direction, long missingBytes)
    {
        var side = direction == Direction.ToServer ? _requests : _responses;
        if (side.Phase == Phase.Stopped)
        {
            return;
        }

        Gaps++;
        Report(AnomalyKind.HttpStreamGap, missingBytes);
        if (side.Phase == Phase.Body && side.Exchange is { } exchange)
        {
            HttpExchangeDispatcher.OnBodyGap(exchange, direction);
            if (side.Framing == Framing.CloseDelimited || (side.Framing == Framing.ContentLength && missingBytes < side.Remaining))
            {
                side.Remaining -= side.Framing == Framing.ContentLength ? missingBytes : 0;
                return; // the body goes on at a known place
            }

            EndBody(side, complete: false);
        }

        side.ResetHead();
        side.Phase = Phase.Resync;
        side.AtLineStart = false;
    }

    public void OnEnd(Direction direction, EndReason reason)
    {
        var side = direction == Direction.ToServer ? _requests : _responses;
        side.Ended = true;
        if (side.Phase == Phase.Body && side.Exchange is not null)
        {
            // A close-delimited response ends exactly here; anything else was cut short.
            var complete = side.Framing == Framing.CloseDelimited;
            if (!complete)
            {
                HttpExchangeDispatcher.OnBodyGap(side.Exchange, direction);
            }

            EndBody(side, complete);
        }

        side.Phase = Phase.Stopped;
        side.ReleaseHead();
        if (_responses.Ended)
        {
            // No response can come any more: every open exchange is written now, incomplete.
            while (_awaitingResponse.TryDequeue(out var open))
            {
                CompleteResponse(open, ended: false);
            }
        }
    }

    private void Process(Side side, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            switch (side.Phase)
            {
                case Phase.Stopped:
                    return;
                case Phase.Resync:
                    data = Resync(side, data);
                    break;
                case Phase.Head:
                    data = ReadHead(side, data);
                    break;
                case Phase.Body:
                    data = ReadBody(side, data);
                    break;
                default:
                    return;
            }
        }
    }

    /// <summary>Skips to the next line that starts like a message of this direction.</summary>
    private static ReadOnlySpan<byte> Resync(Side side, ReadOnlySpan<byte> data)
    {
        var at = side.AtLineStart ? 0 : -1;
        while (true)
        {
            if (at < 0)
            {
                var lf = data.IndexOf((byte)'\n');
                if (lf < 0)
                {
                    side.AtLineStart = false;
                    return default;
                }

                at = lf + 1;
                if (at == data.Length)
                {
                    side.AtLineStart = true;
                    return default;
                }
            }

            var rest = data[at..];
            var starts = side.Direction == Direction.ToServer
                ? HttpProbe.Probe(rest) == HttpProbeResult.Http1Request || rest.StartsWith("CONNECT "u8)
                : rest.StartsWith("HTTP/1."u8);
            if (starts)
            {
                side.Phase = Phase.Head;
                return rest;
            }

            data = rest;
            at = -1;
        }
    }

    private ReadOnlySpan<byte> ReadHead(Side side, ReadOnlySpan<byte> data)
    {
        if (side.HeadLength == 0)
        {
            // Robustness (RFC 9112 §2.2): empty lines before a message are ignored.
            var start = data.IndexOfAnyExcept((byte)'\r', (byte)'\n');
            if (start < 0)
            {
                return default;
            }

            data = data[start..];

            // Fast path: the whole head is in this segment, parse it in place.
            var scanned = 0;
            var end = Http1HeadParser.FindHeadEnd(data, ref scanned);
            if (end > 0 && end <= Http1Limits.MaxHeadBytes)
            {
                OnHead(side, data[..end]);
                return data[end..];
            }
        }

        // Slow path: gather the head (bounded) until its blank line arrives.
        var previous = side.HeadLength;
        var take = Math.Min(data.Length, Http1Limits.MaxHeadBytes - previous);
        side.Append(data[..take]);
        var headEnd = Http1HeadParser.FindHeadEnd(side.Head.AsSpan(0, side.HeadLength), ref side.Scanned);
        if (headEnd < 0)
        {
            if (side.HeadLength >= Http1Limits.MaxHeadBytes)
            {
                Stop(side, AnomalyKind.HttpHeadTooLarge);
            }

            return default;
        }

        OnHead(side, side.Head.AsSpan(0, headEnd));
        side.ResetHead();
        return data[(headEnd - previous)..];
    }

    private void OnHead(Side side, ReadOnlySpan<byte> head)
    {
        if (side.Direction == Direction.ToServer)
        {
            OnRequestHead(head);
        }
        else
        {
            OnResponseHead(head);
        }
    }

    private void OnRequestHead(ReadOnlySpan<byte> head)
    {
        var status = Http1HeadParser.ParseRequestLine(head, out var line, out var lineLength);
        if (status != Http1ParseStatus.Done || line.MajorVersion != 1)
        {
            Stop(_requests, status == Http1ParseStatus.TooLarge ? AnomalyKind.HttpHeadTooLarge : AnomalyKind.HttpMalformedRequest);
            return;
        }

        var exchange = _dispatcher.Begin(line.MinorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1");
        if (!ReadHeaders(_requests, head[lineLength..], exchange.RequestHeaders, AnomalyKind.HttpMalformedRequest))
        {
            return;
        }

        exchange.Method = Http1Strings.Method(head[line.Method]);
        exchange.Target = Http1Strings.Text(head[line.Target]);
        var authority = exchange.RequestHeaders.Get("host") ?? Http1Strings.AuthorityOf(exchange.Target);
        exchange.Host = authority is null ? null : Http1Strings.HostWithoutPort(authority);

        if (!TryFraming(exchange.RequestHeaders, request: true, out var framing, out var length))
        {
            Stop(_requests, AnomalyKind.HttpMalformedRequest);
            return;
        }

        if (_awaitingResponse.Count >= MaxPendingRequests)
        {
            Stop(_requests, AnomalyKind.HttpTooManyPendingRequests);
            return;
        }

        _awaitingResponse.Enqueue(exchange);
        _dispatcher.OnRequestHeaders(exchange);
        if (exchange.Method == "CONNECT")
        {
            // What follows a CONNECT is tunnel data if the answer is 2xx: wait for the answer.
            _dispatcher.OnRequestComplete(exchange);
            _requests.Phase = Phase.AwaitingConnectAnswer;
            return;
        }

        StartBody(_requests, exchange, framing, length);
    }

    private void OnResponseHead(ReadOnlySpan<byte> head)
    {
        var status = Http1HeadParser.ParseStatusLine(head, out var line, out var lineLength);
        if (status != Http1ParseStatus.Done || line.MajorVersion != 1)
        {
            Stop(_responses, status == Http1ParseStatus.TooLarge ? AnomalyKind.HttpHeadTooLarge : AnomalyKind.HttpMalformedResponse);
            return;
        }

        var code = line.StatusCode;
        if (code is >= 100 and < 200 and not 101)
        {
            // Interim (100 Continue, 103 Early Hints): the final response follows. Its headers are checked, not kept.
            var interim = new HttpHeaderList();
            ReadHeaders(_responses, head[lineLength..], interim, AnomalyKind.HttpMalformedResponse);
            return;
        }

        var orphan = !_awaitingResponse.TryPeek(out var exchange);
        if (orphan)
        {
            // The request was lost (gap, capture started mid-connection) or unparsable: keep the response anyway.
            if (!_reportedOrphan)
            {
                _reportedOrphan = true;
                Report(AnomalyKind.HttpResponseWithoutRequest, 0);
            }

            exchange = _dispatcher.Begin(line.MinorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1");
            _awaitingResponse.Enqueue(exchange);
        }

        if (!ReadHeaders(_responses, head[lineLength..], exchange!.ResponseHeaders, AnomalyKind.HttpMalformedResponse))
        {
            return;
        }

        exchange.Status = code;
        if (!TryFraming(exchange.ResponseHeaders, request: false, out var framing, out var length))
        {
            Stop(_responses, AnomalyKind.HttpMalformedResponse);
            return;
        }

        var connect = exchange.Method == "CONNECT";
        if (exchange.Method == "HEAD" || code is 204 or 304 or 101 || (connect && code is >= 200 and < 300))
        {
            framing = Framing.None;
        }

        _dispatcher.OnResponseHeaders(exchange);
        if (code == 101 || (connect && code is >= 200 and < 300))
        {
            // Upgrade (WebSocket, h2c) or an open tunnel: HTTP/1 ends here.
            Tunnelled = true;
            _awaitingResponse.Dequeue();
            CompleteResponse(exchange, ended: true);
            _requests.Phase = Phase.Stopped;
            _responses.Phase = Phase.Stopped;
            return;
        }

        if (connect && _requests.Phase == Phase.AwaitingConnectAnswer)
        {
            _requests.Phase = Phase.Resync; // refused: the client may try again on this connection
            _requests.AtLineStart = true;
        }

        StartBody(_responses, exchange, framing, length);
    }

    /// <summary>Parses the header section into <paramref name="headers"/>; on failure stops the side with an anomaly.</summary>
    private bool ReadHeaders(Side side, ReadOnlySpan<byte> section, HttpHeaderList headers, AnomalyKind malformed)
    {
        // One field per line, less the blank line that ends the head (a folded line over-counts, harmlessly); never
        // more than the parser accepts, so a head of many short lines cannot make a large reservation.
        var lines = Math.Clamp(section.Count((byte)'\n') - 1, 0, Http1Limits.MaxHeaderCount);
        headers.EnsureCapacity(headers.Count + lines);
        var collector = new HeaderCollector(headers);
        var status = Http1HeadParser.ParseHeaders(section, ref collector, out _);
        if (status == Http1ParseStatus.Done)
        {
            return true;
        }

        Stop(side, status == Http1ParseStatus.TooLarge ? AnomalyKind.HttpHeadTooLarge : malformed);
        return false;
    }

    /// <summary>RFC 9112 §6.3: chunked (last coding) wins over Content-Length; conflicting lengths are invalid.</summary>
    private bool TryFraming(HttpHeaderList headers, bool request, out Framing framing, out long length)
    {
        length = 0;
        framing = request ? Framing.None : Framing.CloseDelimited;
        long? contentLength = null;
        string? transferEncoding = null;
        foreach (var header in headers)
        {
            if (header.Name == "transfer-encoding")
            {
                transferEncoding = transferEncoding is null ? header.Value : transferEncoding + "," + header.Value;
            }
            else if (header.Name == "content-length")
            {
                // "5, 5" (a list of equal lengths) is one length; walked in place, not split into strings.
                foreach (var range in header.Value.AsSpan().Split(','))
                {
                    var part = header.Value.AsSpan(range).Trim();
                    if (!long.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                        || (contentLength is { } previous && previous != value))
                    {
                        return false;
                    }

                    contentLength = value;
                }
            }
        }

        if (transferEncoding is not null)
        {
            if (contentLength is not null)
            {
                Report(AnomalyKind.HttpContentLengthWithChunked, contentLength.Value);
            }

            var last = transferEncoding.AsSpan(transferEncoding.LastIndexOf(',') + 1).Trim();
            if (last.Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                framing = Framing.Chunked;
                return true;
            }

            // A request must end in chunked (RFC 9112 §6.3 rule 4); a response without it runs to the close.
            return !request;
        }

        if (contentLength is { } n)
        {
            framing = n == 0 ? Framing.None : Framing.ContentLength;
            length = n;
        }

        return true;
    }

    private void StartBody(Side side, HttpExchange exchange, Framing framing, long length)
    {
        side.Exchange = exchange;
        side.Framing = framing;
        side.Remaining = length;
        side.Chunked = default;
        if (framing == Framing.None)
        {
            EndBody(side, complete: true);
            return;
        }

        side.Phase = Phase.Body;
    }

    private ReadOnlySpan<byte> ReadBody(Side side, ReadOnlySpan<byte> data)
    {
        var exchange = side.Exchange!;
        switch (side.Framing)
        {
            case Framing.ContentLength:
                var take = (int)Math.Min(side.Remaining, data.Length);
                Deliver(side, exchange, data[..take]);
                side.Remaining -= take;
                if (side.Remaining == 0)
                {
                    EndBody(side, complete: true);
                }

                return data[take..];

            case Framing.Chunked:
                while (!data.IsEmpty)
                {
                    var status = side.Chunked.Decode(data, out var consumed, out var range);
                    if (status == Http1ChunkedStatus.Data)
                    {
                        Deliver(side, exchange, data[range]);
                    }

                    data = data[consumed..];
                    if (status == Http1ChunkedStatus.Done)
                    {
                        EndBody(side, complete: true);
                        return data;
                    }

                    if (status is Http1ChunkedStatus.Invalid or Http1ChunkedStatus.TooLarge)
                    {
                        HttpExchangeDispatcher.OnBodyGap(exchange, side.Direction);
                        EndBody(side, complete: false);
                        Stop(side, AnomalyKind.HttpMalformedChunkedBody);
                        return default;
                    }
                }

                return default;

            default:
                Deliver(side, exchange, data);
                return default;
        }
    }

    private void Deliver(Side side, HttpExchange exchange, ReadOnlySpan<byte> wire)
    {
        if (!side.Detached)
        {
            _dispatcher.OnBody(exchange, side.Direction, wire);
        }
    }

    /// <summary>The body (or bodiless message) is over: the request completes, or the response and its exchange.</summary>
    private void EndBody(Side side, bool complete)
    {
        var exchange = side.Exchange!;
        var detached = side.Detached;
        side.Exchange = null;
        side.Detached = false;
        side.Phase = Phase.Head;
        if (side.Direction == Direction.ToServer)
        {
            if (!detached)
            {
                _dispatcher.OnRequestComplete(exchange);
            }

            return;
        }

        if (_awaitingResponse.TryPeek(out var head) && ReferenceEquals(head, exchange))
        {
            _awaitingResponse.Dequeue();
        }

        CompleteResponse(exchange, complete);
    }

    /// <summary>Writes the exchange; a request body still being read is cut off from it first.</summary>
    private void CompleteResponse(HttpExchange exchange, bool ended)
    {
        if (ReferenceEquals(_requests.Exchange, exchange) && !_requests.Detached)
        {
            HttpExchangeDispatcher.OnBodyGap(exchange, Direction.ToServer);
            _dispatcher.OnRequestComplete(exchange);
            _requests.Detached = true; // keep framing the body, deliver it nowhere
        }

        if (ReferenceEquals(_responses.Exchange, exchange))
        {
            _responses.Exchange = null;
        }

        _dispatcher.OnResponseComplete(exchange, ended);
    }

    private void Stop(Side side, AnomalyKind kind)
    {
        Report(kind, side.HeadLength);
        side.Phase = Phase.Stopped;
        side.ReleaseHead();
        if (side.Direction == Direction.ToClient || side.Exchange is null)
        {
            return;
        }

        // A request cut off mid-body: complete it as far as it got; its response may still come.
        HttpExchangeDispatcher.OnBodyGap(side.Exchange, Direction.ToServer);
        if (!side.Detached)
        {
            _dispatcher.OnRequestComplete(side.Exchange);
        }

        side.Exchange = null;
    }

    private void Report(AnomalyKind kind, long value) => _context.Anomalies.Report(kind, _context.Clock.NowMicros, _flow, value);

    private enum Phase : byte
    {
        Head,
        Body,
        Resync,

        /// <summary>Request side after CONNECT: its next bytes are tunnel data if the answer is 2xx, a new request otherwise.</summary>
        AwaitingConnectAnswer,
        Stopped,
    }

    private enum Framing : byte
    {
        None,
        ContentLength,
        Chunked,
        CloseDelimited,
    }

    /// <summary>Parse state of one direction.</summary>
    private sealed class Side(Direction direction)
    {
        public readonly Direction Direction = direction;
        public Phase Phase;
        public bool Ended;
        public bool AtLineStart = true;

        public byte[] Head = [];
        public int HeadLength;
        public int Scanned;

        public HttpExchange? Exchange;

        /// <summary>The exchange was written while its request body was still arriving: frame the rest, deliver none.</summary>
        public bool Detached;
        public Framing Framing;
        public long Remaining;
        public Http1ChunkedDecoder Chunked;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (HeadLength + bytes.Length > Head.Length)
            {
                var size = Math.Max(InitialHeadBuffer, Head.Length);
                while (size < HeadLength + bytes.Length)
                {
                    size *= 2;
                }

                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(size, Http1Limits.MaxHeadBytes));
                Head.AsSpan(0, HeadLength).CopyTo(bigger);
                ReleaseHead();
                Head = bigger;
            }

            bytes.CopyTo(Head.AsSpan(HeadLength));
            HeadLength += bytes.Length;
        }

        public void ResetHead()
        {
            HeadLength = 0;
            Scanned = 0;
        }

        public void ReleaseHead()
        {
            if (Head.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Head);
                Head = [];
            }

            ResetHead();
        }
    }

    /// <summary>Adds each field to a header list, name folded to lower case.</summary>
    private readonly struct HeaderCollector(HttpHeaderList headers) : IHttp1HeaderHandler
    {
        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
            var text = Http1Strings.Name(name, out var repeating);
            headers.Add(new HttpHeader(text, Http1Strings.Value(value, repeating)));
        }
    }
}
