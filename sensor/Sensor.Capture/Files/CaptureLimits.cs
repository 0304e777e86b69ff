namespace Sensor.Capture.Files;

/// <summary>Caps on what one record may claim, so a hostile length never drives an allocation.</summary>
public static class CaptureLimits
{
    /// <summary>
    /// Largest record accepted: libpcap's MAXIMUM_SNAPLEN is 262144; pcapng blocks carry options on top,
    /// and some writers (USB, D-Bus captures) go higher, so allow 1 MiB and call larger lengths corrupt.
    /// </summary>
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>Read buffer: large sequential reads keep the reader near memory bandwidth.</summary>
    public const int ReadBufferBytes = 4 * 1024 * 1024;
}
