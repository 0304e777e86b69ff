namespace Sensor.Core.Diagnostics;

/// <summary>
/// Run counters written in <c>stats</c> events and the summary. Owned by one worker thread
/// (no locks); capture-thread counters live in <see cref="CaptureCounters"/>.
/// </summary>
public sealed class SensorCounters
{
    // decoder
    public long Packets;
    public long Bytes;
    public long Invalid;
    public long NonIp;
    public long Ipv4;
    public long Ipv6;
    public long Tcp;
    public long Udp;
    public long Icmp;
    public long OtherIp;
    public long Fragments;
    public long FragmentsReassembled;
    public long Vlan;

    // flows
    public long FlowsCreated;
    public long FlowsEnded;
    public long FlowsActive;
    public long FlowsEvicted;
    public long FlowsTimedOut;
    public long FlowMemoryBytes;

    // TCP reassembly
    public long TcpMidstreamPickups;
    public long TcpSegmentsOutOfOrder;
    public long TcpRetransmissions;
    public long TcpOverlaps;
    public long TcpOverlapsDifferentData;
    public long TcpGaps;
    public long TcpGapBytes;
    public long TcpBytesDelivered;
    public long TcpReassemblyMemoryBytes;
    public long TcpReassemblyMemoryPeak;

    // events and anomalies
    public readonly long[] Anomalies = new long[AnomalyNames.Count];
    public long AnomalyEventsSuppressed;
    public readonly Dictionary<string, long> EventsByType = new(StringComparer.Ordinal);

    /// <summary>Events by type and <see cref="Events.SensorEvent.SummaryLabel"/> (AI sessions by vendor), for the summary.</summary>
    public readonly Dictionary<(string Type, string Label), long> EventsByLabel = new();

    public long AnomalyTotal()
    {
        long total = 0;
        foreach (var count in Anomalies)
        {
            total += count;
        }

        return total;
    }
}
