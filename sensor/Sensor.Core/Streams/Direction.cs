namespace Sensor.Core.Streams;

/// <summary>Which way bytes travel relative to the flow's client (the side that sent the first SYN or packet).</summary>
public enum Direction : byte
{
    ToServer = 0,
    ToClient = 1,
}
