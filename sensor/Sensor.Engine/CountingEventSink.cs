using Sensor.Core.Diagnostics;
using Sensor.Core.Events;

namespace Sensor.Engine;

/// <summary>Counts events by type for <c>stats.events</c> and the summary, then passes them on.</summary>
public sealed class CountingEventSink : IEventSink
{
    private readonly IEventSink _inner;
    private readonly SensorCounters _counters;

    public CountingEventSink(IEventSink inner, SensorCounters counters)
    {
        _inner = inner;
        _counters = counters;
    }

    public void Write(SensorEvent sensorEvent)
    {
        var counts = _counters.EventsByType;
        counts[sensorEvent.EventType] = counts.GetValueOrDefault(sensorEvent.EventType) + 1;
        if (sensorEvent.SummaryLabel is { } label)
        {
            var key = (sensorEvent.EventType, label);
            _counters.EventsByLabel[key] = _counters.EventsByLabel.GetValueOrDefault(key) + 1;
        }

        _inner.Write(sensorEvent);
    }

    public void Flush() => _inner.Flush();
}
