namespace Sensor.Flows.Tcp;

/// <summary>TCP reassembly caps; the sources of the defaults are next to each (operations.md §4.2).</summary>
public sealed record ReassemblyLimits
{
    /// <summary>
    /// Out-of-order bytes one direction may hold while waiting for a hole to fill. Past it the hole is
    /// declared a gap. 1 MiB mirrors Suricata's per-stream <c>reassembly.depth</c>, and is far above Zeek's
    /// 16 KiB <c>tcp_max_above_hole_without_any_acks</c> so real reordering never trips it.
    /// </summary>
    public int MaxBufferedBytesPerDirection { get; init; } = 1024 * 1024;

    /// <summary>Out-of-order segments one direction may hold: bounds per-segment overhead from tiny-segment floods.</summary>
    public int MaxSegmentsPerDirection { get; init; } = 4096;

    /// <summary>All buffered out-of-order bytes of the sensor: Suricata's <c>stream.reassembly.memcap: 256mb</c>.</summary>
    public long GlobalMemoryCap { get; init; } = 256L * 1024 * 1024;
}
