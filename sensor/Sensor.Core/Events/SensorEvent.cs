using System.Text.Json;
using Sensor.Core.Json;

namespace Sensor.Core.Events;

/// <summary>
/// One NDJSON record of the event contract (events.md). The sink writes the common envelope;
/// each event type writes its own object (<c>"flow": {...}</c>, <c>"anomaly": {...}</c>...).
/// </summary>
public abstract class SensorEvent
{
    protected SensorEvent(long timestampMicros, FlowIdentity? flow)
    {
        TimestampMicros = timestampMicros;
        Flow = flow;
    }

    /// <summary>Packet time (pcap) or wall time (live/proxy), microseconds since the Unix epoch.</summary>
    public long TimestampMicros { get; }

    /// <summary>The flow this event belongs to, or null for run-wide events (stats, capture anomalies).</summary>
    public FlowIdentity? Flow { get; }

    /// <summary><c>event_type</c>: also the name of the object <see cref="WriteBody"/> writes.</summary>
    public abstract string EventType { get; }

    /// <summary>A label the run summary breaks this event type down by (e.g. the AI vendor), or null.</summary>
    public virtual string? SummaryLabel => null;

    /// <summary>Writes the type's own property (name and object) into the already open envelope object.</summary>
    public abstract void WriteBody(Utf8JsonWriter writer);

    /// <summary>
    /// Optional fast path for frequent event types: the same bytes as <see cref="WriteBody"/>, into a builder that is
    /// after a previous member. False when a value needs the writer's escaping; the sink then uses <see cref="WriteBody"/>.
    /// </summary>
    public virtual bool TryWritePlainBody(PlainJsonBuilder json) => false;
}
