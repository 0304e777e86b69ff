using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;

namespace Sensor.Tests.TestSupport;

/// <summary>An event sink that keeps what it is given, with the <see cref="StreamContext"/> a session needs around it.</summary>
internal sealed class EventRecorder : IEventSink
{
    public EventRecorder()
    {
        Counters = new SensorCounters();
        Context = new StreamContext(this, new AnomalyReporter(this, Counters), new PacketClock { NowMicros = 1_700_000_000_000_000 });
    }

    public List<SensorEvent> Events { get; } = [];

    public SensorCounters Counters { get; }

    /// <summary>Events go to this recorder, anomalies too (as <see cref="AnomalyEvent"/>s).</summary>
    public StreamContext Context { get; }

    public IEnumerable<T> Of<T>() where T : SensorEvent => Events.OfType<T>();

    public IReadOnlyList<AnomalyEvent> Anomalies => [.. Events.OfType<AnomalyEvent>()];

    public void Write(SensorEvent sensorEvent) => Events.Add(sensorEvent);

    public void Flush()
    {
    }

    /// <summary>The event's own object (<c>{"dns": {...}}</c>) as JSON text, to compare events whole.</summary>
    public static string Body(SensorEvent sensorEvent)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            sensorEvent.WriteBody(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A TCP or UDP flow identity between two documentation addresses.</summary>
    public static FlowIdentity Flow(ushort destinationPort, byte protocol = 6, long flowId = 1) =>
        new(flowId, protocol, System.Net.IPAddress.Parse("192.0.2.10"), 50000, System.Net.IPAddress.Parse("198.51.100.20"), destinationPort, "1:test");
}
