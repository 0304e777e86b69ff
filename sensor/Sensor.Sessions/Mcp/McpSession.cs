namespace Sensor.Sessions.Mcp;

/// <summary>
/// One MCP session across connections: the legacy SSE stream and its POSTs, or the Streamable HTTP exchanges sharing an
/// <c>Mcp-Session-Id</c>. Keeps what later messages need: the negotiated version, both sides' info, and the methods of
/// requests whose answers arrive elsewhere (on the SSE stream).
/// </summary>
internal sealed class McpSession(string host, string sessionId, string dialect)
{
    /// <summary>Requests awaiting an answer on another exchange; a client never has this many in flight (SDK default is sequential).</summary>
    public const int MaxPendingRequests = 256;

    private readonly Dictionary<string, (string Method, string? Tool)> _pending = new(StringComparer.Ordinal);

    public string Host { get; } = host;

    public string SessionId { get; } = sessionId;

    public string Dialect { get; set; } = dialect;

    public string? ProtocolVersion { get; set; }

    public (string? Name, string? Version)? Server { get; set; }

    public (string? Name, string? Version)? Client { get; set; }

    public void AddPending(string id, string method, string? tool)
    {
        if (_pending.Count < MaxPendingRequests || _pending.ContainsKey(id))
        {
            _pending[id] = (method, tool);
        }
    }

    public bool TakePending(string id, out (string Method, string? Tool) request) => _pending.Remove(id, out request);
}
