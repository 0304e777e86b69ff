namespace Sensor.Threats;

/// <summary>An injection seen in a tool result: where it came from, for the chain findings that follow it.</summary>
internal sealed class PendingInjection(string host, string tool, string? sessionId, long timestampMicros)
{
    public string Host { get; } = host;

    public string Tool { get; } = tool;

    public string? SessionId { get; } = sessionId;

    public long TimestampMicros { get; } = timestampMicros;

    /// <summary>Tool calls seen since, by the same session or client.</summary>
    public int CallsSince { get; set; }

    public bool Consumed { get; set; }
}

/// <summary>
/// Remembers the latest indirect prompt injection per MCP session and per client address, so the client's next tool
/// calls can be judged against it (the "lethal trifecta": untrusted content, then an outward write or a local command).
/// Sessions matter for one server (read_email, then send_email); the client matters across servers (a calendar event,
/// then a devbox command). Shared by all workers: a client's MCP flows may hash to different workers.
/// </summary>
internal sealed class InjectionTracker
{
    /// <summary>Sessions and clients remembered: one per active agent is plenty; beyond it the table is cleared (anomaly).</summary>
    public const int MaxTracked = 4096;

    /// <summary>Tool calls after an injection that are still judged against it: the scripted chains act on the next call; agents may list or read first.</summary>
    public const int MaxCallsAfterInjection = 3;

    /// <summary>How long an injection stays armed (packet time): an agent's turn, including slow tool runs, fits in ten minutes.</summary>
    public const long WindowMicros = 10L * 60 * 1_000_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, PendingInjection> _bySession = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingInjection> _byClient = new(StringComparer.Ordinal);

    /// <summary>Arms an injection; returns true when a table was full and had to be cleared first.</summary>
    public bool Remember(string? sessionId, string client, PendingInjection injection)
    {
        lock (_lock)
        {
            var cleared = false;
            if (_bySession.Count >= MaxTracked || _byClient.Count >= MaxTracked)
            {
                _bySession.Clear();
                _byClient.Clear();
                cleared = true;
            }

            if (sessionId is not null)
            {
                _bySession[sessionId] = injection;
            }

            _byClient[client] = injection;
            return cleared;
        }
    }

    /// <summary>
    /// The armed injection a tool call by this session/client follows, if any (same session first, then the client);
    /// counts the call against it either way.
    /// </summary>
    public PendingInjection? OnToolCall(string? sessionId, string client, long timestampMicros)
    {
        lock (_lock)
        {
            PendingInjection? found = null;
            if (sessionId is not null && _bySession.TryGetValue(sessionId, out var bySession) && Armed(bySession, timestampMicros))
            {
                found = bySession;
            }
            else if (_byClient.TryGetValue(client, out var byClient) && Armed(byClient, timestampMicros))
            {
                found = byClient;
            }

            if (found is not null)
            {
                found.CallsSince++;
            }

            return found;
        }
    }

    private static bool Armed(PendingInjection injection, long now) =>
        !injection.Consumed && injection.CallsSince < MaxCallsAfterInjection && now - injection.TimestampMicros <= WindowMicros;
}
