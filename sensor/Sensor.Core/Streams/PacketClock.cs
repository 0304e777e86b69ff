namespace Sensor.Core.Streams;

/// <summary>
/// The time of the packet being processed (capture time offline, wall time live), for stages that emit
/// events but get only bytes (stream consumers). Written by the worker that owns it, once per packet.
/// </summary>
public sealed class PacketClock
{
    public long NowMicros { get; set; }
}
