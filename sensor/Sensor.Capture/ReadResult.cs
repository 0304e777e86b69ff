namespace Sensor.Capture;

public enum ReadResult : byte
{
    /// <summary>A frame was read.</summary>
    Packet,
    /// <summary>A problem with one record; the anomaly says which. Reading may go on.</summary>
    Anomaly,
    /// <summary>No more frames (the end, or a problem after which the file cannot be resynchronised).</summary>
    End,
}
