using Sensor.Core.Streams;
using Sensor.Sessions.AiApi;
using Sensor.Sessions.Mcp;

namespace Sensor.Sessions.Payloads;

/// <summary>Adds the session-level HTTP observers (MCP, AI vendor APIs) to a worker's payload hooks.</summary>
public static class SessionObservers
{
    /// <summary>
    /// The worker's context with the MCP and AI API observers in front of the observers already there (so tenant
    /// evidence and AI calls are filled before later observers read them). Call after every other hook is added: the MCP
    /// observer calls the MCP observers of the context returned here.
    /// </summary>
    public static StreamContext Compose(StreamContext context)
    {
        var ai = new AiApiObserver();
        var mcp = new McpHttpObserver(new McpSessionTracker());
        var composed = context with
        {
            Payloads = context.Payloads with { Observers = [ai, mcp, .. context.Payloads.Observers] },
        };
        ai.Attach(composed);
        mcp.Attach(composed);
        return composed;
    }
}
