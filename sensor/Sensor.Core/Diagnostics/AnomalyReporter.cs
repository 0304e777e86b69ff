using Sensor.Core.Events;

namespace Sensor.Core.Diagnostics;

/// <summary>
/// Counts every anomaly and turns it into an <c>anomaly</c> event. A flood of one kind (a hostile
/// capture) would drown the SIEM, so past <see cref="MaxEventsPerKind"/> events of a kind only the
/// counter moves and <c>stats.anomaly.events_suppressed</c> says how many were not written.
/// </summary>
public sealed class AnomalyReporter
{
    /// <summary>Default per-kind event budget for one run: generous for real traffic, bounded for floods.</summary>
    public const int DefaultMaxEventsPerKind = 1000;

    private readonly IEventSink _sink;
    private readonly SensorCounters _counters;
    private readonly int[] _written = new int[AnomalyNames.Count];

    public AnomalyReporter(IEventSink sink, SensorCounters counters, int maxEventsPerKind = DefaultMaxEventsPerKind)
    {
        _sink = sink;
        _counters = counters;
        MaxEventsPerKind = maxEventsPerKind;
    }

    public int MaxEventsPerKind { get; }

    public void Report(AnomalyKind kind, long timestampMicros, FlowIdentity? flow = null, long value = 0, string? source = null)
    {
        _counters.Anomalies[(int)kind]++;
        if (_written[(int)kind] >= MaxEventsPerKind)
        {
            _counters.AnomalyEventsSuppressed++;
            return;
        }

        _written[(int)kind]++;
        _sink.Write(new AnomalyEvent(timestampMicros, flow, kind, value, source));
    }
}
