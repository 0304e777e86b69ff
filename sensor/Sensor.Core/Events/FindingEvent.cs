using System.Text.Json;
using Sensor.Core.Json;

namespace Sensor.Core.Events;

/// <summary>
/// <c>finding</c>: one per detection (events.md). For secrets <see cref="Redacted"/> holds only a short prefix and
/// the length, and <see cref="Fingerprint"/> a keyed hash: the value itself is never written anywhere.
/// </summary>
public sealed class FindingEvent : SensorEvent
{
    public FindingEvent(long timestampMicros, FlowIdentity? flow)
        : base(timestampMicros, flow)
    {
    }

    public override string EventType => "finding";

    public required string Detector { get; init; }

    /// <summary>secret, pii, corporate, mcp_threat, tenant or policy.</summary>
    public required string Category { get; init; }

    public required string Type { get; init; }

    public required string Severity { get; init; }

    /// <summary>to_server or to_client.</summary>
    public required string Direction { get; init; }

    public required string Location { get; init; }

    public string? Redacted { get; init; }

    public string? Fingerprint { get; init; }

    public int Count { get; init; } = 1;

    /// <summary>A non-secret subject of a policy finding (a host name), shown in clear.</summary>
    public string? Host { get; init; }

    /// <summary>Where inside a structured payload the value sat (a JSON path such as <c>mcp_servers[0].authorization_token</c>), never the value.</summary>
    public string? Field { get; init; }

    /// <summary>For <c>mcp_threat</c> findings: tool, evidence, subject and chain (written as <c>finding.threat</c>).</summary>
    public ThreatDetails? Threat { get; init; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("finding");
        writer.WriteString("detector", Detector);
        writer.WriteString("category", Category);
        writer.WriteString("type", Type);
        writer.WriteString("severity", Severity);
        writer.WriteString("direction", Direction);
        writer.WriteString("location", Location);
        if (Redacted is not null)
        {
            writer.WriteString("redacted", Redacted);
        }

        if (Fingerprint is not null)
        {
            writer.WriteString("fingerprint", Fingerprint);
        }

        writer.WriteNumber("count", Count);
        if (Host is not null)
        {
            writer.WriteString("host", Host);
        }

        if (Field is not null)
        {
            writer.WriteString("field", Field);
        }

        Threat?.Write(writer);

        writer.WriteEndObject();
    }

    /// <summary>The same bytes as <see cref="WriteBody"/>, built as bytes.</summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        json.StartObject("finding"u8);
        json.Text("detector"u8, Detector);
        json.Text("category"u8, Category);
        json.Text("type"u8, Type);
        json.Text("severity"u8, Severity);
        json.Text("direction"u8, Direction);
        json.Text("location"u8, Location);
        if (Redacted is not null)
        {
            json.Text("redacted"u8, Redacted);
        }

        if (Fingerprint is not null)
        {
            json.Text("fingerprint"u8, Fingerprint);
        }

        json.Number("count"u8, Count);
        if (Host is not null)
        {
            json.Text("host"u8, Host);
        }

        if (Field is not null)
        {
            json.Text("field"u8, Field);
        }

        Threat?.Write(json);
        json.EndObject();
        return true;
    }
}
