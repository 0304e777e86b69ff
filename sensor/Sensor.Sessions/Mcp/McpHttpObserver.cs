using System.Runtime.InteropServices;
using System.Text;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Protocols.JsonRpc;
using Sensor.Protocols.Sse;

namespace Sensor.Sessions.Mcp;

/// <summary>
/// Recognises MCP on a worker's HTTP exchanges in the four dialects of reference.md §1 and writes one <c>mcp</c> event
/// per JSON-RPC message (and per OAuth step), handing each message to <see cref="PayloadHooks.McpObservers"/>.
/// Requests are judged by their MCP headers, the legacy <c>sessionId</c> query, or a body calling an MCP method;
/// answers come as JSON or as SSE (read incrementally). Bodies are not given to the inspectors again: the HTTP
/// dispatcher already did; only <c>Mcp-Param-*</c> values in the base64 form are, decoded, since detectors cannot see through base64.
/// </summary>
internal sealed class McpHttpObserver : IHttpObserver
{
    /// <summary>Exchanges followed at once per worker: HTTP/2 allows 100 concurrent streams per connection by default
    /// (RFC 9113 §6.5.2 recommends at least 100), times a few busy MCP connections.</summary>
    public const int MaxOpenExchanges = 1024;

    private readonly McpSessionTracker _tracker;
    private readonly Dictionary<HttpExchange, ExchangeState> _open = new(ReferenceEqualityComparer.Instance);
    private readonly List<JsonRpcMessageInfo> _messages = [];
    private byte[] _scratch = new byte[4096];
    private StreamContext? _context;

    public McpHttpObserver(McpSessionTracker tracker) => _tracker = tracker;

    /// <summary>The context whose events, anomalies and MCP observers this observer uses (set once by the composer).</summary>
    public void Attach(StreamContext context) => _context = context;

    private StreamContext Context => _context ?? throw new InvalidOperationException("McpHttpObserver used before Attach");

    private long Now => Context.Clock.NowMicros;

    public void OnRequestHeaders(HttpExchange exchange)
    {
        var host = exchange.Host ?? string.Empty;
        var (path, query) = SplitTarget(exchange.Target);
        // One pass over the request's headers for the five names read here (the first of each, as HttpHeaderList.Get gives).
        string? authorization = null, version = null, sessionId = null, mcpMethod = null, accept = null;
        foreach (var header in exchange.RequestHeaders)
        {
            switch (header.Name)
            {
                case "authorization":
                    authorization ??= header.Value;
                    break;
                case "mcp-protocol-version":
                    version ??= header.Value;
                    break;
                case "mcp-session-id":
                    sessionId ??= header.Value;
                    break;
                case "mcp-method":
                    mcpMethod ??= header.Value;
                    break;
                case "accept":
                    accept ??= header.Value;
                    break;
            }
        }

        var state = new ExchangeState
        {
            Authenticated = authorization is not null,
            HeaderVersion = version,
            SessionId = sessionId,
        };

        var legacySession = QueryValue(query, "sessionId") ?? QueryValue(query, "session_id");
        if (mcpMethod is not null || state.HeaderVersion == McpDialect.StatelessRevision)
        {
            state.Dialect = McpDialect.Stateless2026;
            state.SessionId = null;
        }
        else if (legacySession is not null && exchange.Method == "POST" && (_tracker.Find(host, legacySession) is not null || IsLegacyMessagePath(path)))
        {
            state.Dialect = McpDialect.Sse2024;
            state.SessionId = legacySession;
        }
        else if (state.SessionId is not null || state.HeaderVersion is not null)
        {
            state.Dialect = McpDialect.StreamableHttp;
        }

        if (_tracker.IsMcpHost(host))
        {
            state.OAuthStep = McpOAuthStep.FromRequest(exchange.Method, path);
        }

        var candidate = state.Dialect is not null || state.OAuthStep is not null || exchange.Method == "POST" ||
            (exchange.Method == "GET" && Accepts(accept, "text/event-stream"));
        if (!candidate || _open.Count >= MaxOpenExchanges)
        {
            return;
        }

        if (state.Dialect == McpDialect.Stateless2026)
        {
            ReadRoutingHeaders(exchange, state);
        }

        _open[exchange] = state;
    }

    public void OnRequestComplete(HttpExchange exchange)
    {
        if (!_open.TryGetValue(exchange, out var state) || exchange.RequestBody.Length == 0)
        {
            return;
        }

        var body = exchange.RequestBody.Content;
        var status = JsonRpcReader.Read(body.Span, _messages, out var batch);
        if (status != JsonRpcStatus.Ok)
        {
            if (state.Dialect is not null && status is not JsonRpcStatus.Empty)
            {
                Context.Anomalies.Report(AnomalyKind.McpMalformedMessage, Now, exchange.Flow, (long)status);
            }

            return;
        }

        if (state.Dialect is null)
        {
            // A plain POST: MCP only if it calls an MCP method (an intranet JSON-RPC API does not).
            if (!CallsMcpMethod(body.Span))
            {
                _open.Remove(exchange);
                return;
            }

            state.Dialect = McpDialect.StreamableHttp;
        }

        _tracker.AddHost(exchange.Host ?? string.Empty, oauth: false);
        var session = SessionFor(exchange, state);

        // Nothing Emit calls reads JSON-RPC into _messages again: the list is read in place, not copied.
        foreach (var message in CollectionsMarshal.AsSpan(_messages))
        {
            Emit(exchange, state, session, Direction.ToServer, body, message, batch);
        }
    }

    public void OnResponseHeaders(HttpExchange exchange)
    {
        if (!_open.TryGetValue(exchange, out var state))
        {
            return;
        }

        var host = exchange.Host ?? string.Empty;
        if (McpOAuthStep.ResourceMetadata(exchange) is { } metadata && (state.Dialect is not null || state.OAuthStep is not null))
        {
            state.OAuthStep = McpOAuthStep.Unauthenticated401;
            _tracker.AddHost(host, oauth: true);
            if (Uri.TryCreate(metadata, UriKind.Absolute, out var uri))
            {
                _tracker.AddHost(uri.Host, oauth: true);
            }
        }

        if (state.Dialect == McpDialect.StreamableHttp && exchange.ResponseHeaders.Get("mcp-session-id") is { } assigned)
        {
            // The InitializeResult's answer names the session; the exchange's own messages join it.
            state.SessionId = assigned;
            state.Session = SessionFor(exchange, state);
            foreach (var (id, request) in state.Requests)
            {
                state.Session?.AddPending(id, request.Method, request.Tool);
            }
        }

        if (exchange.ResponseIsEventStream && (state.Dialect is not null || exchange.Method == "GET"))
        {
            state.Sse = new SseReader();
        }
    }

    public void OnBodyData(HttpExchange exchange, Direction direction, ReadOnlySpan<byte> decoded)
    {
        if (direction != Direction.ToClient || !_open.TryGetValue(exchange, out var state) || state.Sse is not { } reader)
        {
            return;
        }

        SseReadStatus status;
        while ((status = reader.Read(ref decoded)) != SseReadStatus.NeedMoreData)
        {
            if (status == SseReadStatus.EventTooLarge)
            {
                Context.Anomalies.Report(AnomalyKind.SseEventTooLarge, Now, exchange.Flow, SseLimits.MaxEventBytes);
                continue;
            }

            var sse = reader.Current;
            if (sse.EventType.SequenceEqual("endpoint"u8))
            {
                OnLegacyEndpoint(exchange, state, Encoding.UTF8.GetString(sse.Data));
            }
            else if (sse.EventType.SequenceEqual("message"u8) && state.Dialect is not null && !sse.Data.IsEmpty)
            {
                var data = Scratch(sse.Data);
                if (JsonRpcReader.Read(data.Span, _messages, out var batch) != JsonRpcStatus.Ok)
                {
                    Context.Anomalies.Report(AnomalyKind.McpMalformedMessage, Now, exchange.Flow, data.Length);
                    continue;
                }

                foreach (var message in CollectionsMarshal.AsSpan(_messages))
                {
                    Emit(exchange, state, state.Session ?? SessionFor(exchange, state), Direction.ToClient, data, message, batch);
                }
            }
        }
    }

    public void OnResponseComplete(HttpExchange exchange, bool ended)
    {
        if (!_open.Remove(exchange, out var state))
        {
            return;
        }

        if (state.OAuthStep is not null)
        {
            EmitOAuthStep(exchange, state);
        }
        else if (state.Dialect is not null && state.SentMessages == 0 && state.Authenticated && _tracker.UsesOAuth(exchange.Host ?? string.Empty))
        {
            // A GET stream or DELETE of an OAuth-protected session: an authenticated step without a message.
            state.OAuthStep = McpOAuthStep.Authenticated;
            EmitOAuthStep(exchange, state);
        }

        if (state.Dialect is null || exchange.ResponseIsEventStream || exchange.ResponseBody.Length == 0)
        {
            return;
        }

        var body = exchange.ResponseBody.Content;
        var status = JsonRpcReader.Read(body.Span, _messages, out var batch);
        if (status != JsonRpcStatus.Ok)
        {
            // Error pages and 202/405 bodies are not JSON-RPC; only a JSON answer that fails to read is an anomaly.
            if (status is JsonRpcStatus.InvalidJson or JsonRpcStatus.TooDeep or JsonRpcStatus.TooLarge &&
                Accepts(exchange.ResponseHeaders.Get("content-type"), "application/json"))
            {
                Context.Anomalies.Report(AnomalyKind.McpMalformedMessage, Now, exchange.Flow, (long)status);
            }

            return;
        }

        var session = state.Session ?? SessionFor(exchange, state);
        foreach (var message in CollectionsMarshal.AsSpan(_messages))
        {
            Emit(exchange, state, session, Direction.ToClient, body, message, batch);
        }
    }

    private bool CallsMcpMethod(ReadOnlySpan<byte> body)
    {
        foreach (var message in _messages)
        {
            if (McpMethods.IsKnown(JsonRpcText.GetString(body, message.Method)))
            {
                return true;
            }
        }

        return false;
    }

    private void OnLegacyEndpoint(HttpExchange exchange, ExchangeState state, string endpoint)
    {
        var query = endpoint.IndexOf('?') is var q and >= 0 ? endpoint[(q + 1)..] : string.Empty;
        var sessionId = QueryValue(query, "sessionId") ?? QueryValue(query, "session_id");
        if (sessionId is null)
        {
            return;
        }

        state.Dialect = McpDialect.Sse2024;
        state.SessionId = sessionId;
        _tracker.AddHost(exchange.Host ?? string.Empty, oauth: false);
        state.Session = SessionFor(exchange, state);
    }

    private McpSession? SessionFor(HttpExchange exchange, ExchangeState state)
    {
        if (state.SessionId is null || state.Dialect is null)
        {
            return null;
        }

        var session = _tracker.GetOrAdd(exchange.Host ?? string.Empty, state.SessionId, state.Dialect, out var evicted);
        if (evicted)
        {
            Context.Anomalies.Report(AnomalyKind.McpSessionTableFull, Now, exchange.Flow, McpSessionTracker.MaxSessions);
        }

        state.Session ??= session;
        return session;
    }

    private void Emit(HttpExchange exchange, ExchangeState state, McpSession? session, Direction direction, ReadOnlyMemory<byte> body, JsonRpcMessageInfo message, bool batch)
    {
        var span = body.Span;
        var json = body[message.Message];
        var kind = message.Kind;
        var method = JsonRpcText.GetString(span, message.Method);
        var id = JsonRpcText.GetRaw(span, message.Id);
        var name = JsonRpcText.GetString(span, message.ParamsName);
        var uri = JsonRpcText.GetString(span, message.ParamsUri);
        string? tool = method == "tools/call" ? name : null;
        var resource = method == "resources/read" ? uri : null;

        if (kind == JsonRpcKind.Request && id is not null && method is not null)
        {
            // Answers come on this exchange (Streamable HTTP) or on the session's stream (legacy SSE, GET streams).
            state.Requests.Add((id, (method, tool ?? resource)));
            session?.AddPending(id, method, tool ?? resource);
        }
        else if (kind is JsonRpcKind.Result or JsonRpcKind.Error && id is not null)
        {
            var answered = LastRequest(state.Requests, id);
            if (answered.Id is not null)
            {
                (method, var subject) = answered.Request;
                session?.TakePending(id, out _);
                (tool, resource) = Subject(method, subject);
            }
            else if (session is not null && session.TakePending(id, out var pending))
            {
                method = pending.Method;
                (tool, resource) = Subject(method, pending.Tool);
            }
        }

        // Parsed once here for the details and for every MCP observer (the threat detectors read the same document),
        // and only when either can use it; the details are read only from a document that can hold any (a tool
        // result parsed for the threat detectors alone would give none, after three member lookups).
        var observers = Context.Payloads.McpObservers;
        var kindName = KindName(kind);
        var hasDetails = McpMessageDetails.NeedsDocument(json.Span, kind, method);
        using var document = hasDetails || AnyReadsDocument(observers, kindName, method)
            ? McpMessageDetails.TryParse(json)
            : null;
        var details = document is null || !hasDetails ? McpMessageDetails.Empty : McpMessageDetails.Read(document.RootElement, kind, method);
        var version = details.ProtocolVersion ?? state.HeaderVersion ?? session?.ProtocolVersion;
        if (session is not null)
        {
            session.ProtocolVersion = details.ProtocolVersion ?? session.ProtocolVersion ?? state.HeaderVersion;
            session.Server = details.Server ?? session.Server;
            session.Client = details.Client ?? session.Client;
        }

        List<string>? mismatch = null;
        if (direction == Direction.ToServer && state.Dialect == McpDialect.Stateless2026 && kind is JsonRpcKind.Request or JsonRpcKind.Notification)
        {
            mismatch = CheckRoutingHeaders(exchange, state, method, name ?? uri);
        }

        var host = exchange.Host ?? string.Empty;
        var unauthenticated = direction == Direction.ToClient && !state.Authenticated && kind == JsonRpcKind.Result &&
            method is "tools/call" or "tools/list" && exchange.Status is >= 200 and < 300;
        var oauthHost = _tracker.UsesOAuth(host);
        var dialect = state.Dialect ?? McpDialect.StreamableHttp;
        Context.Events.Write(new McpEvent(Now, exchange.Flow)
        {
            Dialect = dialect,
            ProtocolVersion = version,
            SessionId = state.SessionId,
            Direction = direction == Direction.ToServer ? "to_server" : "to_client",
            Kind = kindName,
            Method = method,
            Id = id,
            Tool = tool,
            Resource = resource,
            Server = details.Server ?? session?.Server,
            Client = details.Client ?? session?.Client,
            Auth = oauthHost ? "oauth-discovery" : state.Authenticated ? "bearer" : "none",
            // One "authenticated" step per request exchange, as the OAuth steps are counted per HTTP request.
            OAuthStep = oauthHost && state.Authenticated && direction == Direction.ToServer && state.SentMessages == 0 ? McpOAuthStep.Authenticated : null,
            ErrorCode = message.ErrorCode,
            Tools = details.Tools,
            ArgumentNames = details.ArgumentNames,
            Host = exchange.Host,
            Status = direction == Direction.ToClient ? exchange.Status : null,
            HeaderMismatch = mismatch,
            HeaderParams = direction == Direction.ToServer ? state.HeaderParams : null,
            Unauthenticated = unauthenticated,
            Batch = batch,
        });

        if (direction == Direction.ToServer)
        {
            state.SentMessages++;
        }

        if (observers.Count == 0)
        {
            return;
        }

        var mcpMessage = new McpMessage
        {
            Flow = exchange.Flow,
            Direction = direction,
            Dialect = dialect,
            Kind = kindName,
            Method = method,
            Id = id,
            ToolName = tool ?? resource,
            SessionId = state.SessionId,
            ServerHost = exchange.Host,
            Authenticated = state.Authenticated,
            Json = json,
            Root = document?.RootElement,
            ToolKeys = details.ToolKeys,
            Exchange = exchange,
            TimestampMicros = Now,
        };
        for (var i = 0; i < observers.Count; i++)
        {
            observers[i].OnMessage(mcpMessage);
        }
    }

    // List.FindLast without a closure per answer.
    private static (string Id, (string Method, string? Tool) Request) LastRequest(List<(string Id, (string Method, string? Tool) Request)> requests, string id)
    {
        for (var i = requests.Count - 1; i >= 0; i--)
        {
            if (requests[i].Id == id)
            {
                return requests[i];
            }
        }

        return default;
    }

    private static bool AnyReadsDocument(IReadOnlyList<IMcpObserver> observers, string kind, string? method)
    {
        for (var i = 0; i < observers.Count; i++)
        {
            if (observers[i].ReadsDocument(kind, method))
            {
                return true;
            }
        }

        return false;
    }

    private void EmitOAuthStep(HttpExchange exchange, ExchangeState state) =>
        Context.Events.Write(new McpEvent(Now, exchange.Flow)
        {
            Dialect = state.Dialect ?? McpDialect.StreamableHttp,
            ProtocolVersion = state.HeaderVersion,
            SessionId = state.SessionId,
            Direction = "to_client",
            Kind = "oauth",
            Auth = "oauth-discovery",
            OAuthStep = state.OAuthStep,
            Host = exchange.Host,
            Status = exchange.Status,
        });

    private void ReadRoutingHeaders(HttpExchange exchange, ExchangeState state)
    {
        foreach (var header in exchange.RequestHeaders)
        {
            if (!header.Name.StartsWith("mcp-param-", StringComparison.Ordinal))
            {
                continue;
            }

            (state.HeaderParams ??= []).Add(header.Name["mcp-param-".Length..]);
            if (McpHeaderValue.IsEncoded(header.Value) && McpHeaderValue.Decode(header.Value) is { } decoded && Context.Payloads.HasInspectors)
            {
                // The dispatcher inspected the base64 text; the detectors need the value it hides.
                var bytes = Encoding.UTF8.GetBytes(decoded);
                Context.Payloads.Inspect(
                    new PayloadSource(exchange.Flow, Direction.ToServer, PayloadLocation.RequestHeader(header.Name), exchange, null, Now),
                    bytes);
            }
        }
    }

    private List<string>? CheckRoutingHeaders(HttpExchange exchange, ExchangeState state, string? method, string? name)
    {
        List<string>? mismatch = null;
        if (exchange.RequestHeaders.Get("mcp-method") is { } headerMethod && !string.Equals(McpHeaderValue.Decode(headerMethod), method, StringComparison.Ordinal))
        {
            (mismatch ??= []).Add("mcp-method");
        }

        if (exchange.RequestHeaders.Get("mcp-name") is { } headerName && !string.Equals(McpHeaderValue.Decode(headerName), name, StringComparison.Ordinal))
        {
            (mismatch ??= []).Add("mcp-name");
        }

        if (mismatch is not null)
        {
            state.Mismatch = true;
            Context.Anomalies.Report(AnomalyKind.McpHeaderBodyMismatch, Now, exchange.Flow, mismatch.Count);
        }

        return mismatch;
    }

    private ReadOnlyMemory<byte> Scratch(ReadOnlySpan<byte> data)
    {
        if (data.Length > _scratch.Length)
        {
            _scratch = new byte[Math.Max(data.Length, _scratch.Length * 2)];
        }

        data.CopyTo(_scratch);
        return _scratch.AsMemory(0, data.Length);
    }

    // A request's subject is its tool (tools/call) or its resource (resources/read).
    private static (string? Tool, string? Resource) Subject(string method, string? subject) => method switch
    {
        "tools/call" => (subject, null),
        "resources/read" => (null, subject),
        _ => (null, null),
    };

    private static string KindName(JsonRpcKind kind) => kind switch
    {
        JsonRpcKind.Request => "request",
        JsonRpcKind.Notification => "notification",
        JsonRpcKind.Result => "result",
        _ => "error",
    };

    private static (string Path, string Query) SplitTarget(string? target)
    {
        if (string.IsNullOrEmpty(target))
        {
            return ("/", string.Empty);
        }

        // Absolute-form (proxy requests): keep the path.
        if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out var uri))
        {
            target = uri.PathAndQuery;
        }

        var q = target.IndexOf('?');
        return q < 0 ? (target, string.Empty) : (target[..q], target[(q + 1)..]);
    }

    private static string? QueryValue(string query, string name)
    {
        if (!query.Contains(name, StringComparison.Ordinal))
        {
            // Most queries are empty or name no session: nothing to split.
            return null;
        }

        foreach (var part in query.Split('&'))
        {
            var eq = part.IndexOf('=');
            if (eq > 0 && part.AsSpan(0, eq).SequenceEqual(name))
            {
                return Uri.UnescapeDataString(part[(eq + 1)..]);
            }
        }

        return null;
    }

    // The 2024-11-05 SDKs post to /messages (TypeScript), /messages/ (Python), or /message (Atlassian-style).
    private static bool IsLegacyMessagePath(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.EndsWith("/messages", StringComparison.Ordinal) || trimmed.EndsWith("/message", StringComparison.Ordinal);
    }

    private static bool Accepts(string? header, string mediaType) =>
        header is not null && header.Contains(mediaType, StringComparison.OrdinalIgnoreCase);

    private sealed class ExchangeState
    {
        public string? Dialect { get; set; }

        public string? SessionId { get; set; }

        public string? HeaderVersion { get; init; }

        public bool Authenticated { get; init; }

        public string? OAuthStep { get; set; }

        public McpSession? Session { get; set; }

        public SseReader? Sse { get; set; }

        public List<string>? HeaderParams { get; set; }

        public bool Mismatch { get; set; }

        public int SentMessages { get; set; }

        public List<(string Id, (string Method, string? Tool) Request)> Requests { get; } = [];
    }
}
