namespace Sensor.Core.Events;

/// <summary>Where events go. Sinks are the only place that writes events out (architecture.md).</summary>
public interface IEventSink
{
    void Write(SensorEvent sensorEvent);

    void Flush();
}
