namespace Sensor.Sessions.Mcp;

/// <summary>
/// JSON-RPC method names MCP defines in any revision (reference.md §1.6, schema.ts of 2024-11-05 … 2026-07-28): a
/// POST whose body calls one of these is MCP even before any MCP header shows, and a JSON-RPC API that calls none of
/// them (an intranet RPC service) is not.
/// </summary>
internal static class McpMethods
{
    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/templates/list", "resources/read",
        "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete",
        "logging/setLevel", "sampling/createMessage", "roots/list", "elicitation/create", "tasks/get", "tasks/list",
        "tasks/result", "tasks/cancel", "server/discover", "subscriptions/listen",
    };

    public static bool IsKnown(string? method) =>
        method is not null && (s_known.Contains(method) || method.StartsWith("notifications/", StringComparison.Ordinal));
}
