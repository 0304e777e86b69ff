using Sensor.Flows.Tcp;

namespace Sensor.Flows;

/// <summary>Flow-table caps and timeouts. Defaults follow Suricata's <c>flow:</c> and <c>flow-timeouts:</c> (operations.md §4.2).</summary>
public sealed record FlowTableOptions
{
    /// <summary>Suricata <c>flow.memcap: 128mb</c>.</summary>
    public long MemoryCap { get; init; } = 128L * 1024 * 1024;

    /// <summary>
    /// What one flow costs in the table: the Flow object, its dictionary entry and two reassembler
    /// headers, measured at about 450 B on .NET 10 x64 (bench/ FlowTableBenchmarks) and rounded up.
    /// </summary>
    public int BytesPerFlow { get; init; } = 512;

    /// <summary>Suricata <c>flow-timeouts.tcp.established: 600</c>.</summary>
    public long TcpIdleTimeoutMicros { get; init; } = 600_000_000;

    /// <summary>Suricata <c>flow-timeouts.udp.established: 300</c>; DNS-heavy traffic makes a shorter value useful, hence 120 s.</summary>
    public long UdpIdleTimeoutMicros { get; init; } = 120_000_000;

    /// <summary>After FIN both ways or RST; Suricata <c>flow-timeouts.tcp.closed: 60</c>, shortened: late ACKs only.</summary>
    public long ClosedTimeoutMicros { get; init; } = 30_000_000;

    public ReassemblyLimits Reassembly { get; init; } = new();

    public long MaxFlows => MemoryCap / BytesPerFlow;
}
