using System.Text.Json;
using Sensor.Core.Diagnostics;

namespace Sensor.Core.Events;

/// <summary><c>stats</c>: counters at intervals and at the end of a run (names mirror Suricata's stats tree).</summary>
public sealed class StatsEvent : SensorEvent
{
    private readonly SensorCounters _counters;
    private readonly CaptureCounters _capture;

    public StatsEvent(long timestampMicros, SensorCounters counters, CaptureCounters capture, bool final)
        : base(timestampMicros, null)
    {
        _counters = counters;
        _capture = capture;
        Final = final;
    }

    public override string EventType => "stats";

    public bool Final { get; }

    public long UptimeSeconds { get; init; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        var c = _counters;
        writer.WriteStartObject("stats");
        writer.WriteBoolean("final", Final);
        writer.WriteNumber("uptime", UptimeSeconds);

        writer.WriteStartObject("capture");
        writer.WriteNumber("files_read", _capture.FilesRead);
        writer.WriteNumber("files_failed", _capture.FilesFailed);
        writer.WriteNumber("kernel_packets", Volatile.Read(ref _capture.KernelPackets));
        writer.WriteNumber("kernel_drops", Volatile.Read(ref _capture.KernelDrops));
        writer.WriteNumber("kernel_ifdrops", Volatile.Read(ref _capture.KernelInterfaceDrops));
        writer.WriteNumber("queue_drops", Volatile.Read(ref _capture.QueueDrops));
        writer.WriteEndObject();

        writer.WriteStartObject("decoder");
        writer.WriteNumber("pkts", c.Packets);
        writer.WriteNumber("bytes", c.Bytes);
        writer.WriteNumber("invalid", c.Invalid);
        writer.WriteNumber("ipv4", c.Ipv4);
        writer.WriteNumber("ipv6", c.Ipv6);
        writer.WriteNumber("tcp", c.Tcp);
        writer.WriteNumber("udp", c.Udp);
        writer.WriteNumber("icmp", c.Icmp);
        writer.WriteNumber("other_ip", c.OtherIp);
        writer.WriteNumber("non_ip", c.NonIp);
        writer.WriteNumber("vlan", c.Vlan);
        writer.WriteNumber("fragments", c.Fragments);
        writer.WriteNumber("fragments_reassembled", c.FragmentsReassembled);
        writer.WriteEndObject();

        writer.WriteStartObject("flow");
        writer.WriteNumber("total", c.FlowsCreated);
        writer.WriteNumber("active", c.FlowsActive);
        writer.WriteNumber("ended", c.FlowsEnded);
        writer.WriteNumber("timeout", c.FlowsTimedOut);
        writer.WriteNumber("evicted", c.FlowsEvicted);
        writer.WriteNumber("memuse", c.FlowMemoryBytes);
        writer.WriteEndObject();

        writer.WriteStartObject("tcp");
        writer.WriteNumber("midstream_pickups", c.TcpMidstreamPickups);
        writer.WriteNumber("segments_out_of_order", c.TcpSegmentsOutOfOrder);
        writer.WriteNumber("retransmissions", c.TcpRetransmissions);
        writer.WriteNumber("overlap", c.TcpOverlaps);
        writer.WriteNumber("overlap_diff_data", c.TcpOverlapsDifferentData);
        writer.WriteNumber("reassembly_gap", c.TcpGaps);
        writer.WriteNumber("reassembly_gap_bytes", c.TcpGapBytes);
        writer.WriteNumber("reassembly_bytes", c.TcpBytesDelivered);
        writer.WriteNumber("reassembly_memuse", c.TcpReassemblyMemoryBytes);
        writer.WriteNumber("reassembly_memuse_peak", c.TcpReassemblyMemoryPeak);
        writer.WriteEndObject();

        writer.WriteStartObject("anomaly");
        writer.WriteNumber("total", c.AnomalyTotal());
        writer.WriteNumber("events_suppressed", c.AnomalyEventsSuppressed);
        for (var i = 0; i < c.Anomalies.Length; i++)
        {
            if (c.Anomalies[i] != 0)
            {
                var kind = (AnomalyKind)i;
                writer.WriteNumber(AnomalyNames.Layer(kind) + "." + AnomalyNames.Event(kind), c.Anomalies[i]);
            }
        }

        writer.WriteEndObject();

        writer.WriteStartObject("events");
        foreach (var (type, count) in c.EventsByType)
        {
            writer.WriteNumber(type, count);
        }

        writer.WriteEndObject();

        writer.WriteStartObject("memory");
        writer.WriteNumber("managed_bytes", GC.GetTotalMemory(false));
        writer.WriteNumber("working_set_bytes", Environment.WorkingSet);
        using (var process = System.Diagnostics.Process.GetCurrentProcess())
        {
            writer.WriteNumber("peak_working_set_bytes", process.PeakWorkingSet64);
        }
        writer.WriteEndObject();

        writer.WriteEndObject();
    }
}
