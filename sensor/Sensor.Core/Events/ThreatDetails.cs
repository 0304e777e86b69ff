using Sensor.Core.Json;

namespace Sensor.Core.Events;

/// <summary>
/// What an <c>mcp_threat</c> finding is about, in the words of the shared captures' "Threats" table (tool, argument,
/// evidence, value, hidden text, command, injecting host/tool, methods). Written as <c>finding.threat</c>. Every field
/// is a non-secret identifier or a bounded, secret-masked excerpt: the detector never puts a secret value here.
/// </summary>
public sealed class ThreatDetails
{
    public string? Tool { get; init; }

    public string? Argument { get; init; }

    /// <summary>Which rule matched (e.g. <c>&lt;IMPORTANT&gt;</c>, <c>html-comment</c>, <c>unicode-tag-characters</c>).</summary>
    public string? Evidence { get; init; }

    /// <summary>All rules that matched, when several did.</summary>
    public IReadOnlyList<string>? Rules { get; init; }

    /// <summary>The non-secret subject: an outside e-mail address, a server host.</summary>
    public string? Value { get; init; }

    /// <summary>A short excerpt of decoded hidden text, with any credential in it masked.</summary>
    public string? HiddenText { get; init; }

    /// <summary>A short excerpt of a command a tool was asked to run, with any credential in it masked.</summary>
    public string? Command { get; init; }

    public string? InjectedByHost { get; init; }

    public string? InjectedByTool { get; init; }

    public IReadOnlyList<string>? Methods { get; init; }

    /// <summary>Where the detection came from when not an MCP tool (e.g. <c>mail-api:api.postmarkapp.com</c>).</summary>
    public string? Via { get; init; }

    public string? SessionId { get; init; }

    public void Write(System.Text.Json.Utf8JsonWriter writer)
    {
        writer.WriteStartObject("threat");
        WriteIf(writer, "tool", Tool);
        WriteIf(writer, "argument", Argument);
        WriteIf(writer, "evidence", Evidence);
        WriteList(writer, "rules", Rules);
        WriteIf(writer, "value", Value);
        WriteIf(writer, "hidden_text", HiddenText);
        WriteIf(writer, "command", Command);
        if (InjectedByHost is not null || InjectedByTool is not null)
        {
            writer.WriteStartObject("injected_by");
            WriteIf(writer, "host", InjectedByHost);
            WriteIf(writer, "tool", InjectedByTool);
            writer.WriteEndObject();
        }

        WriteList(writer, "methods", Methods);
        WriteIf(writer, "via", Via);
        WriteIf(writer, "session_id", SessionId);
        writer.WriteEndObject();
    }

    private static void WriteIf(System.Text.Json.Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteList(System.Text.Json.Utf8JsonWriter writer, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>The same bytes as <see cref="Write(System.Text.Json.Utf8JsonWriter)"/>, into the event's builder.</summary>
    public void Write(PlainJsonBuilder json)
    {
        json.StartObject("threat"u8);
        TextIf(json, "tool"u8, Tool);
        TextIf(json, "argument"u8, Argument);
        TextIf(json, "evidence"u8, Evidence);
        TextList(json, "rules"u8, Rules);
        TextIf(json, "value"u8, Value);
        TextIf(json, "hidden_text"u8, HiddenText);
        TextIf(json, "command"u8, Command);
        if (InjectedByHost is not null || InjectedByTool is not null)
        {
            json.StartObject("injected_by"u8);
            TextIf(json, "host"u8, InjectedByHost);
            TextIf(json, "tool"u8, InjectedByTool);
            json.EndObject();
        }

        TextList(json, "methods"u8, Methods);
        TextIf(json, "via"u8, Via);
        TextIf(json, "session_id"u8, SessionId);
        json.EndObject();
    }

    private static void TextIf(PlainJsonBuilder json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.Text(name, value);
        }
    }

    private static void TextList(PlainJsonBuilder json, ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        json.StartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            json.TextValue(values[i]);
        }

        json.EndArray();
    }
}
