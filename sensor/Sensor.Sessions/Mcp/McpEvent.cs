using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Json;

namespace Sensor.Sessions.Mcp;

/// <summary>
/// <c>mcp</c>: one per JSON-RPC message, plus one per OAuth step of an MCP server (events.md:
/// <c>mcp{dialect, protocol_version, session_id, direction, method, id, tool, server, client, auth}</c>, extended with
/// kind, tools[] digests, argument names, resource, error code, oauth step and the header checks of 2026-07-28).
/// Argument values and tokens are never written.
/// </summary>
public sealed class McpEvent : SensorEvent
{
    public McpEvent(long timestampMicros, FlowIdentity flow)
        : base(timestampMicros, flow)
    {
    }

    public override string EventType => "mcp";

    public override string? SummaryLabel => Dialect;

    public required string Dialect { get; init; }

    public string? ProtocolVersion { get; init; }

    public string? SessionId { get; init; }

    /// <summary>to_server or to_client.</summary>
    public required string Direction { get; init; }

    /// <summary>request, notification, result, error; <c>oauth</c> for an OAuth step exchange without JSON-RPC.</summary>
    public required string Kind { get; init; }

    public string? Method { get; init; }

    public string? Id { get; init; }

    public string? Tool { get; init; }

    public string? Resource { get; init; }

    public (string? Name, string? Version)? Server { get; init; }

    public (string? Name, string? Version)? Client { get; init; }

    /// <summary>none, bearer or oauth-discovery.</summary>
    public required string Auth { get; init; }

    public string? OAuthStep { get; init; }

    public int? ErrorCode { get; init; }

    public IReadOnlyList<(string Name, string Sha256)>? Tools { get; init; }

    public IReadOnlyList<string>? ArgumentNames { get; init; }

    public string? Host { get; init; }

    public int? Status { get; init; }

    /// <summary>Names of the 2026-07-28 routing headers that disagree with the body (<c>mcp-method</c>, <c>mcp-name</c>).</summary>
    public IReadOnlyList<string>? HeaderMismatch { get; init; }

    /// <summary>Names of the <c>Mcp-Param-*</c> headers the request carried (values are tool arguments: not written).</summary>
    public IReadOnlyList<string>? HeaderParams { get; init; }

    /// <summary>The server answered a tools/list or tools/call 2xx to a request without any Authorization.</summary>
    public bool Unauthenticated { get; init; }

    /// <summary>Part of a JSON-RPC batch.</summary>
    public bool Batch { get; init; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("mcp");
        writer.WriteString("dialect", Dialect);
        Optional(writer, "protocol_version", ProtocolVersion);
        Optional(writer, "session_id", SessionId);
        writer.WriteString("direction", Direction);
        writer.WriteString("kind", Kind);
        Optional(writer, "method", Method);
        Optional(writer, "id", Id);
        Optional(writer, "tool", Tool);
        Optional(writer, "resource", Resource);
        Info(writer, "server", Server);
        Info(writer, "client", Client);
        writer.WriteString("auth", Auth);
        Optional(writer, "oauth_step", OAuthStep);
        if (ErrorCode is { } code)
        {
            writer.WriteNumber("error_code", code);
        }

        if (Tools is not null)
        {
            writer.WriteStartArray("tools");
            foreach (var (name, sha256) in Tools)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("sha256", sha256);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        Names(writer, "arguments", ArgumentNames);
        Optional(writer, "host", Host);
        if (Status is { } status)
        {
            writer.WriteNumber("status", status);
        }

        Names(writer, "header_mismatch", HeaderMismatch);
        Names(writer, "header_params", HeaderParams);
        if (Unauthenticated)
        {
            writer.WriteBoolean("unauthenticated", true);
        }

        if (Batch)
        {
            writer.WriteBoolean("batch", true);
        }

        writer.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Info(Utf8JsonWriter writer, string name, (string? Name, string? Version)? info)
    {
        if (info is not { } value)
        {
            return;
        }

        writer.WriteStartObject(name);
        Optional(writer, "name", value.Name);
        Optional(writer, "version", value.Version);
        writer.WriteEndObject();
    }

    private static void Names(Utf8JsonWriter writer, string name, IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var item in names)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    /// <summary>The same bytes as <see cref="WriteBody"/>, built as bytes: one per JSON-RPC message.</summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        json.StartObject("mcp"u8);
        json.Text("dialect"u8, Dialect);
        Optional(json, "protocol_version"u8, ProtocolVersion);
        Optional(json, "session_id"u8, SessionId);
        json.Text("direction"u8, Direction);
        json.Text("kind"u8, Kind);
        Optional(json, "method"u8, Method);
        Optional(json, "id"u8, Id);
        Optional(json, "tool"u8, Tool);
        Optional(json, "resource"u8, Resource);
        Info(json, "server"u8, Server);
        Info(json, "client"u8, Client);
        json.Text("auth"u8, Auth);
        Optional(json, "oauth_step"u8, OAuthStep);
        if (ErrorCode is { } code)
        {
            json.Number("error_code"u8, code);
        }

        if (Tools is not null)
        {
            json.StartArray("tools"u8);
            for (var i = 0; i < Tools.Count; i++)
            {
                var (name, sha256) = Tools[i];
                json.StartObject();
                json.Text("name"u8, name);
                json.Text("sha256"u8, sha256);
                json.EndObject();
            }

            json.EndArray();
        }

        Names(json, "arguments"u8, ArgumentNames);
        Optional(json, "host"u8, Host);
        if (Status is { } status)
        {
            json.Number("status"u8, status);
        }

        Names(json, "header_mismatch"u8, HeaderMismatch);
        Names(json, "header_params"u8, HeaderParams);
        if (Unauthenticated)
        {
            json.Boolean("unauthenticated"u8, true);
        }

        if (Batch)
        {
            json.Boolean("batch"u8, true);
        }

        json.EndObject();
        return true;
    }

    private static void Optional(PlainJsonBuilder json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.Text(name, value);
        }
    }

    private static void Info(PlainJsonBuilder json, ReadOnlySpan<byte> name, (string? Name, string? Version)? info)
    {
        if (info is not { } value)
        {
            return;
        }

        json.StartObject(name);
        Optional(json, "name"u8, value.Name);
        Optional(json, "version"u8, value.Version);
        json.EndObject();
    }

    private static void Names(PlainJsonBuilder json, ReadOnlySpan<byte> name, IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            return;
        }

        json.StartArray(name);
        for (var i = 0; i < names.Count; i++)
        {
            json.TextValue(names[i]);
        }

        json.EndArray();
    }
}
