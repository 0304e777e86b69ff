namespace Sensor.Sessions.Mcp;

/// <summary>The MCP HTTP dialects of reference.md §1 by their <c>mcp.dialect</c> names (events.md).</summary>
internal static class McpDialect
{
    /// <summary>Legacy HTTP+SSE (2024-11-05): GET stream announcing an <c>endpoint</c>, POSTs with a sessionId.</summary>
    public const string Sse2024 = "sse-2024";

    /// <summary>Streamable HTTP (2025-03-26 … 2025-11-25): one endpoint, <c>Mcp-Session-Id</c>, JSON or SSE answers.</summary>
    public const string StreamableHttp = "streamable-http";

    /// <summary>Stateless Streamable HTTP (2026-07-28): POST only, <c>Mcp-Method</c>/<c>Mcp-Name</c> routing headers.</summary>
    public const string Stateless2026 = "stateless-2026";

    /// <summary>The revision that made the transport stateless.</summary>
    public const string StatelessRevision = "2026-07-28";
}
