namespace Sensor.Decode.Defrag;

/// <summary>Caps for IP fragment reassembly; defaults from Suricata's <c>defrag:</c> section (operations.md §4.2).</summary>
public sealed record DefragLimits
{
    /// <summary>Suricata <c>defrag.trackers: 65535</c>.</summary>
    public int MaxTrackers { get; init; } = 65535;

    /// <summary>Suricata <c>defrag.memcap: 32mb</c>: bytes held by all incomplete datagrams.</summary>
    public long MemoryCap { get; init; } = 32L * 1024 * 1024;

    /// <summary>Suricata <c>defrag.timeout: 60</c> seconds.</summary>
    public long TimeoutMicros { get; init; } = 60_000_000;

    /// <summary>An IPv4 datagram cannot exceed 65535 bytes (RFC 791); IPv6 without jumbograms neither (RFC 8200).</summary>
    public int MaxDatagramBytes { get; init; } = 65535;
}
