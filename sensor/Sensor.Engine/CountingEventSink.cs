using System.Runtime.InteropServices;
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
        // One hash lookup per count (every event passes here), not a read and a write.
        CollectionsMarshal.GetValueRefOrAddDefault(_counters.EventsByType, sensorEvent.EventType, out _)++;
        if (sensorEvent.SummaryLabel is { } label)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_counters.EventsByLabel, (sensorEvent.EventType, label), out _)++;
        }

        _inner.Write(sensorEvent);
    }

    public void Flush() => _inner.Flush();
}
