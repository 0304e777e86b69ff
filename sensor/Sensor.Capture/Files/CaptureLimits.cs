namespace Sensor.Capture.Files;

/// <summary>Caps on what one record may claim, so a hostile length never drives an allocation.</summary>
public static class CaptureLimits
{
    /// <summary>
    /// Largest record accepted: libpcap's MAXIMUM_SNAPLEN is 262144; pcapng blocks carry options on top,
    /// and some writers (USB, D-Bus captures) go higher, so allow 1 MiB and call larger lengths corrupt.
    /// </summary>
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>
    /// Read buffer to start with: small enough that the bytes the kernel copies in are still in the core's L2 cache when
    /// the frames are parsed (the spine ran ~10 % faster per CPU second on the 1 GiB harness capture than with 4 MiB),
    /// large enough that a read call per 256 KiB costs nothing measurable. Reading through a memory mapping instead
    /// (no copy) was measured slower on the harness machine: first touches of page-cache pages cost more than the copy.
    /// </summary>
    public const int ReadBufferBytes = 256 * 1024;

    /// <summary>The buffer grows up to this for a record larger than it (up to <see cref="MaxRecordBytes"/> plus headers).</summary>
    public const int MaxReadBufferBytes = 4 * 1024 * 1024;
}
