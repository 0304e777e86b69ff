using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Sinks;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sinks;

public class EventTypeFilterSinkTests
{
    [Fact]
    public void PassesListedTypes_CountsTheRest_AndFlushesThrough()
    {
        var inner = new RecordingSink();
        var sink = EventTypeFilterSink.Wrap(inner, ["stats"]);
        var stats = new StatsEvent(1, new SensorCounters(), new CaptureCounters(), final: true);

        sink.Write(new AnomalyEvent(1, null, AnomalyKind.CaptureTruncatedRecord, 1, null));
        sink.Write(stats);
        sink.Flush();

        Assert.Same(stats, Assert.Single(inner.Events));
        Assert.Equal(1, Assert.IsType<EventTypeFilterSink>(sink).Dropped);
        Assert.Equal(1, inner.Flushes);
    }

    [Fact]
    public void NoList_IsTheSinkItself()
    {
        var inner = new RecordingSink();
        Assert.Same(inner, EventTypeFilterSink.Wrap(inner, null));
    }

    [Fact]
    public void KnownTypes_NameEveryEventTheSensorWrites()
    {
        // Every SensorEvent type in the product's assemblies: a new event type missing from the list could not be named in eve.types.
        var assemblies = new[] { "Sensor.Core", "Sensor.Sessions", "Sensor.Inspection", "Sensor.Detectors", "Sensor.Threats", "Sensor.Tenancy", "Sensor.Engine" }
            .Select(name => System.Reflection.Assembly.Load(name));
        var types = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsSubclassOf(typeof(SensorEvent)) && !t.IsAbstract)
            .Select(t => ((SensorEvent)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(t)).EventType)
            .Distinct()
            .ToList();

        Assert.Equal(10, types.Count);
        Assert.All(types, type => Assert.Contains(type, EventTypeFilterSink.KnownTypes));
    }
}
