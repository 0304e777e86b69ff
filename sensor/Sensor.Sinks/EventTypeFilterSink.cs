using Sensor.Core.Events;

namespace Sensor.Sinks;

/// <summary>
/// Passes on only the event types an operator chose to keep (<c>eve.types</c>, Suricata's <c>eve-log: types:</c>).
/// It sits in front of the output sink alone: the attributor and the summary still see every event, so dropping
/// <c>dns</c> lines (often the bulk of a SPAN port's output) still attributes flows by the names DNS resolved.
/// </summary>
public sealed class EventTypeFilterSink : IEventSink
{
    /// <summary>Every <c>event_type</c> of the output contract (events.md).</summary>
    public static readonly IReadOnlyList<string> KnownTypes = ["flow", "tls", "quic", "dns", "http", "ai", "mcp", "finding", "anomaly", "stats"];

    private readonly IEventSink _inner;
    private readonly HashSet<string> _types;

    private EventTypeFilterSink(IEventSink inner, IEnumerable<string> types)
    {
        _inner = inner;
        _types = new HashSet<string>(types, StringComparer.Ordinal);
    }

    /// <summary>Events not written because their type was not listed.</summary>
    public long Dropped { get; private set; }

    /// <summary>Wraps <paramref name="inner"/>, or returns it as is when <paramref name="types"/> is null (all types).</summary>
    public static IEventSink Wrap(IEventSink inner, IReadOnlyCollection<string>? types) =>
        types is null ? inner : new EventTypeFilterSink(inner, types);

    public void Write(SensorEvent sensorEvent)
    {
        if (_types.Contains(sensorEvent.EventType))
        {
            _inner.Write(sensorEvent);
        }
        else
        {
            Dropped++;
        }
    }

    public void Flush() => _inner.Flush();
}
