using Sensor.Core.Events;

namespace Sensor.Benchmarks;

/// <summary>Drops events, so benchmarks measure the data path and not serialisation or I/O.</summary>
public sealed class NullEventSink : IEventSink
{
    public static readonly NullEventSink Instance = new();

    public void Write(SensorEvent sensorEvent)
    {
    }

    public void Flush()
    {
    }
}
