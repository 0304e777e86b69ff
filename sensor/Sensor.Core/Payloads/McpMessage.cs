using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Streams;

namespace Sensor.Core.Payloads;

/// <summary>
/// One MCP JSON-RPC message as seen on the wire (a POST body, one element of a batch, or one SSE event), with the
/// session it belongs to. Threat detectors read <see cref="Json"/> themselves: what they need differs per method.
/// </summary>
public sealed class McpMessage
{
    public required FlowIdentity Flow { get; init; }

    public required Direction Direction { get; init; }

    /// <summary><c>sse-2024</c>, <c>streamable-http</c> or <c>stateless-2026</c>.</summary>
    public required string Dialect { get; init; }

    /// <summary>request, notification, result or error.</summary>
    public required string Kind { get; init; }

    /// <summary>The method; for results and errors, the method of the request they answer (matched by id), when known.</summary>
    public string? Method { get; init; }

    /// <summary>The JSON-RPC id as its JSON text (<c>1</c>, <c>"abc"</c>), or null for notifications.</summary>
    public string? Id { get; init; }

    /// <summary>The tool for tools/call (request and its result), or the resource URI for resources/read.</summary>
    public string? ToolName { get; init; }

    /// <summary>The MCP session id (Mcp-Session-Id, or the legacy transport's sessionId), when there is one.</summary>
    public string? SessionId { get; init; }

    /// <summary>The MCP server's host name (SNI/Host), which keys per-server state such as tool-definition hashes.</summary>
    public string? ServerHost { get; init; }

    /// <summary>Whether the request that carried (or asked for) this message had an Authorization header.</summary>
    public bool Authenticated { get; init; }

    /// <summary>The message's own JSON bytes (one object); valid only during the observer call.</summary>
    public ReadOnlyMemory<byte> Json { get; init; }

    /// <summary>
    /// <see cref="Json"/> already parsed by the MCP parser (its root element), so observers need not parse it again;
    /// null when the parser did not parse it (errors; messages from which neither it nor the threat detectors read
    /// anything: notifications, list requests) or could not. Valid only during the observer call.
    /// </summary>
    public JsonElement? Root { get; init; }

    /// <summary>
    /// For a <c>tools/list</c> result read by the MCP parser: the <see cref="Json.RawJsonKey"/> of each object in
    /// <c>result.tools</c>, in order (other entries skipped), which the parser computed for its tool digests, so
    /// observers keying memos by definition need not hash them again. Null when not computed; may be shorter than the
    /// list when the parser stopped early (observers compute the missing keys).
    /// </summary>
    public IReadOnlyList<Json.RawJsonKey>? ToolKeys { get; init; }

    /// <summary>The HTTP exchange that carried it, if any.</summary>
    public HttpExchange? Exchange { get; init; }

    public long TimestampMicros { get; init; }
}

/// <summary>Sees every MCP message of a worker in wire order (threat detectors, session trackers).</summary>
public interface IMcpObserver
{
    void OnMessage(McpMessage message);

    /// <summary>
    /// Whether <see cref="OnMessage"/> reads the document (<see cref="McpMessage.Root"/>) of a message of this
    /// <paramref name="kind"/> (<see cref="McpMessage.Kind"/>) calling or answering <paramref name="method"/>. The MCP
    /// parser builds a message's document only when it or an observer reads it, so this is the one list of what an
    /// observer reads; an observer should return false for whatever it skips. The default (every message) is always right.
    /// </summary>
    bool ReadsDocument(string kind, string? method) => true;
}
