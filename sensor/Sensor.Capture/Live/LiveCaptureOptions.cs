namespace Sensor.Capture.Live;

public sealed record LiveCaptureOptions
{
    public required string Interface { get; init; }

    /// <summary>BPF capture filter (pcap-filter(7)); null captures everything.</summary>
    public string? Filter { get; init; }

    /// <summary>
    /// Bytes kept per frame. The DLP path reassembles payloads, so the default is the whole frame
    /// (libpcap's MAXIMUM_SNAPLEN); smaller values give truncated frames, which are counted.
    /// </summary>
    public int SnapLength { get; init; } = 262144;

    public int KernelBufferBytes { get; init; } = 16 * 1024 * 1024;

    public int QueueCapacity { get; init; } = 65536;

    public bool Promiscuous { get; init; } = true;
}
