using System.Text.Json;
using Sensor.Core.Json;
using Sensor.Core.Diagnostics;

namespace Sensor.Core.Events;

/// <summary><c>anomaly</c>: malformed or truncated input, a limit reached, a gap.</summary>
public sealed class AnomalyEvent : SensorEvent
{
    public AnomalyEvent(long timestampMicros, FlowIdentity? flow, AnomalyKind kind, long value, string? source)
        : base(timestampMicros, flow)
    {
        Kind = kind;
        Value = value;
        Source = source;
    }

    public override string EventType => "anomaly";

    public AnomalyKind Kind { get; }

    /// <summary>A size that qualifies the anomaly (missing bytes of a gap, a bad length), 0 when none.</summary>
    public long Value { get; }

    /// <summary>The capture file or interface it came from, for capture-layer anomalies.</summary>
    public string? Source { get; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("anomaly");
        writer.WriteString("type", AnomalyNames.Type(Kind));
        writer.WriteString("layer", AnomalyNames.Layer(Kind));
        writer.WriteString("event", AnomalyNames.Event(Kind));
        if (Value != 0)
        {
            writer.WriteNumber("value", Value);
        }

        if (Source is not null)
        {
            writer.WriteString("source", Source);
        }

        writer.WriteEndObject();
    }

    /// <summary>The same bytes as <see cref="WriteBody"/>, built as bytes.</summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        json.StartObject("anomaly"u8);
        json.Text("type"u8, AnomalyNames.Type(Kind));
        json.Text("layer"u8, AnomalyNames.Layer(Kind));
        json.Text("event"u8, AnomalyNames.Event(Kind));
        if (Value != 0)
        {
            json.Number("value"u8, Value);
        }

        if (Source is not null)
        {
            json.Text("source"u8, Source);
        }

        json.EndObject();
        return true;
    }
}
