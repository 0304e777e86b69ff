using System.Text.Json;
using Sensor.Core.Events;

namespace Sensor.Sessions.Quic;

/// <summary><c>quic</c>: one per QUIC connection whose Initial ClientHello was read (events.md).</summary>
public sealed class QuicEvent : SensorEvent
{
    public QuicEvent(long timestampMicros, FlowIdentity flow)
        : base(timestampMicros, flow)
    {
    }

    public override string EventType => "quic";

    public required string Version { get; init; }

    public string? Sni { get; init; }

    public IReadOnlyList<string> Alpns { get; init; } = [];

    public string? Ja4 { get; init; }

    public bool Ech { get; init; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("quic");
        writer.WriteString("version", Version);
        if (Sni is not null)
        {
            writer.WriteString("sni", Sni);
        }

        writer.WriteStartArray("alpn");
        foreach (var alpn in Alpns)
        {
            writer.WriteStringValue(alpn);
        }

        writer.WriteEndArray();
        if (Ja4 is not null)
        {
            writer.WriteString("ja4", Ja4);
        }

        writer.WriteBoolean("ech", Ech);
        writer.WriteBoolean("sni_missing", Sni is null);
        writer.WriteEndObject();
    }
}
