using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Json;

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

    /// <summary>The same bytes as <see cref="WriteBody"/>, built as bytes.</summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        json.StartObject("quic"u8);
        json.Text("version"u8, Version);
        if (Sni is not null)
        {
            json.Text("sni"u8, Sni);
        }

        json.StartArray("alpn"u8);
        for (var i = 0; i < Alpns.Count; i++)
        {
            json.TextValue(Alpns[i]);
        }

        json.EndArray();
        if (Ja4 is not null)
        {
            json.Text("ja4"u8, Ja4);
        }

        json.Boolean("ech"u8, Ech);
        json.Boolean("sni_missing"u8, Sni is null);
        json.EndObject();
        return true;
    }
}
