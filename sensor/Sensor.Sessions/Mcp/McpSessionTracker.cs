namespace Sensor.Sessions.Mcp;

/// <summary>
/// A worker's MCP sessions and MCP hosts, shared by all its connections so a session spread over several (the SSE GET
/// stream and its POSTs, keep-alive pools, the OAuth dance then the retried session) is one. Bounded: the oldest
/// entries go first when full.
/// </summary>
internal sealed class McpSessionTracker
{
    /// <summary>
    /// Open sessions per worker. A workstation runs a handful of MCP servers; a gateway a few hundred users with a few
    /// each: 4096 covers that with room, and one entry is a few hundred bytes.
    /// </summary>
    public const int MaxSessions = 4096;

    /// <summary>Hosts remembered as MCP servers or their authorization servers; same reasoning as <see cref="MaxSessions"/>.</summary>
    public const int MaxHosts = 4096;

    private readonly Dictionary<(string Host, string Id), McpSession> _sessions = new();
    private readonly Queue<(string Host, string Id)> _sessionOrder = new();
    private readonly Dictionary<string, bool> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<string> _hostOrder = new();

    /// <summary>Sessions dropped because the table was full.</summary>
    public long Evicted { get; private set; }

    public McpSession? Find(string host, string sessionId) => _sessions.GetValueOrDefault((host, sessionId));

    /// <summary>The session, created when new; <paramref name="evicted"/> says an old one made room.</summary>
    public McpSession GetOrAdd(string host, string sessionId, string dialect, out bool evicted)
    {
        evicted = false;
        if (_sessions.TryGetValue((host, sessionId), out var session))
        {
            return session;
        }

        while (_sessions.Count >= MaxSessions && _sessionOrder.TryDequeue(out var oldest))
        {
            if (_sessions.Remove(oldest))
            {
                Evicted++;
                evicted = true;
            }
        }

        session = new McpSession(host, sessionId, dialect);
        _sessions[(host, sessionId)] = session;
        _sessionOrder.Enqueue((host, sessionId));
        return session;
    }

    /// <summary>Remembers that <paramref name="host"/> speaks MCP (or authorises for it), and whether it asked for OAuth.</summary>
    public void AddHost(string host, bool oauth)
    {
        if (_hosts.TryGetValue(host, out var known))
        {
            _hosts[host] = known || oauth;
            return;
        }

        while (_hosts.Count >= MaxHosts && _hostOrder.TryDequeue(out var oldest))
        {
            _hosts.Remove(oldest);
        }

        _hosts[host] = oauth;
        _hostOrder.Enqueue(host);
    }

    public bool IsMcpHost(string host) => _hosts.ContainsKey(host);

    public bool UsesOAuth(string host) => _hosts.GetValueOrDefault(host);
}
