using System.Text.Json;
using Sensor.Core.Json;
using Sensor.Core.Payloads;
using Sensor.Protocols.JsonRpc;

namespace Sensor.Sessions.Mcp;

/// <summary>
/// What one MCP message says beyond its JSON-RPC envelope, read for the methods that carry it: <c>initialize</c>
/// clientInfo/serverInfo/protocolVersion (and the 2026-07-28 <c>_meta</c> copies on every request and result),
/// <c>tools/list</c> tool names with definition digests, <c>tools/call</c> argument names (never their values).
/// </summary>
internal sealed class McpMessageDetails
{
    // Member names are looked up as UTF-8 (what the document holds): a string name is transcoded on every lookup.
    private static ReadOnlySpan<byte> MetaClientInfo => "io.modelcontextprotocol/clientInfo"u8;

    private static ReadOnlySpan<byte> MetaServerInfo => "io.modelcontextprotocol/serverInfo"u8;

    private static ReadOnlySpan<byte> MetaProtocolVersion => "io.modelcontextprotocol/protocolVersion"u8;

    /// <summary>What a message without details (an error, an unreadable document) says: nothing. Never modified.</summary>
    public static readonly McpMessageDetails Empty = new();

    public string? ProtocolVersion { get; private set; }

    public (string? Name, string? Version)? Client { get; private set; }

    public (string? Name, string? Version)? Server { get; private set; }

    public List<(string Name, string Sha256)>? Tools { get; private set; }

    public List<string>? ArgumentNames { get; private set; }

    /// <summary>The raw-text key of each object in a tools/list result's <c>tools</c>, in order (see <see cref="McpMessage.ToolKeys"/>).</summary>
    public List<RawJsonKey>? ToolKeys { get; private set; }

    /// <summary>Options every MCP message is parsed with (the JSON-RPC reader's depth).</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = JsonRpcLimits.MaxDepth };

    /// <summary>Reads <paramref name="json"/> (one message) knowing its kind and the method it is or answers.</summary>
    public static McpMessageDetails Read(ReadOnlyMemory<byte> json, JsonRpcKind kind, string? method)
    {
        if (kind == JsonRpcKind.Error)
        {
            return new McpMessageDetails();
        }

        using var document = TryParse(json);
        return document is null ? new McpMessageDetails() : Read(document.RootElement, kind, method);
    }

    /// <summary>
    /// Whether a document of this message can tell any detail: <c>initialize</c>, <c>tools/call</c> argument names,
    /// <c>tools/list</c> tools, and any message naming <c>protocolVersion</c>, <c>serverInfo</c> or <c>_meta</c>.
    /// Otherwise (notifications, list requests, most results) <see cref="Read(JsonElement, JsonRpcKind, string?)"/>
    /// would find nothing. A name may hide behind escapes, so any backslash means a parse. What the MCP observers read
    /// is theirs to say (<see cref="IMcpObserver.ReadsDocument"/>).
    /// </summary>
    public static bool NeedsDocument(ReadOnlySpan<byte> json, JsonRpcKind kind, string? method) =>
        kind != JsonRpcKind.Error && (method == "initialize" || (method == "tools/call" && kind is JsonRpcKind.Request or JsonRpcKind.Notification)
            || (kind == JsonRpcKind.Result && method == "tools/list")
            || json.Contains((byte)'\\') || json.IndexOf("_meta"u8) >= 0 || json.IndexOf("protocolVersion"u8) >= 0 || json.IndexOf("serverInfo"u8) >= 0);

    /// <summary>The message as a document, or null when it cannot be built (invalid UTF-8 in a name).</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException)
        {
            // The JSON-RPC reader accepted it; a document that cannot be built keeps no details.
            return null;
        }
    }

    /// <summary>Reads an already parsed message (<paramref name="root"/>) knowing its kind and the method it is or answers.</summary>
    public static McpMessageDetails Read(JsonElement root, JsonRpcKind kind, string? method)
    {
        var details = new McpMessageDetails();
        if (kind == JsonRpcKind.Error)
        {
            return details;
        }

        try
        {
            if (kind is JsonRpcKind.Request or JsonRpcKind.Notification && Object(root, "params"u8) is { } parameters)
            {
                details.ReadParams(parameters, method);
            }
            else if (kind == JsonRpcKind.Result && Object(root, "result"u8) is { } result)
            {
                details.ReadResult(result, method);
            }
        }
        catch (InvalidOperationException)
        {
            // A value the document cannot give back as text (invalid UTF-8 in a name) keeps no details.
        }

        return details;
    }

    private void ReadParams(JsonElement parameters, string? method)
    {
        if (method == "initialize")
        {
            ProtocolVersion = Text(parameters, "protocolVersion"u8);
            Client = Info(Object(parameters, "clientInfo"u8));
        }

        if (Object(parameters, "_meta"u8) is { } meta)
        {
            ProtocolVersion ??= Text(meta, MetaProtocolVersion);
            Client ??= Info(Object(meta, MetaClientInfo));
        }

        if (method == "tools/call" && Object(parameters, "arguments"u8) is { } arguments)
        {
            ArgumentNames = [];
            foreach (var argument in arguments.EnumerateObject())
            {
                ArgumentNames.Add(argument.Name);
            }
        }
    }

    private void ReadResult(JsonElement result, string? method)
    {
        ProtocolVersion = Text(result, "protocolVersion"u8);
        Server = Info(Object(result, "serverInfo"u8));
        if (Object(result, "_meta"u8) is { } meta)
        {
            ProtocolVersion ??= Text(meta, MetaProtocolVersion);
            Server ??= Info(Object(meta, MetaServerInfo));
        }

        if (method == "tools/list" && result.TryGetProperty("tools"u8, out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            Tools = [];
            ToolKeys = [];
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind == JsonValueKind.Object)
                {
                    // The key first: it stays right for this tool even if its name cannot be read as text.
                    var key = RawJsonKey.Of(tool);
                    ToolKeys.Add(key);
                    Tools.Add((Text(tool, "name"u8) ?? string.Empty, McpToolDigest.Sha256Hex(tool, key)));
                }
            }
        }
    }

    private static (string?, string?)? Info(JsonElement? info) =>
        info is { } value ? (Text(value, "name"u8), Text(value, "version"u8)) : null;

    private static JsonElement? Object(JsonElement parent, ReadOnlySpan<byte> name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement parent, ReadOnlySpan<byte> name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
