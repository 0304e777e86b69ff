using System.Globalization;
using Sensor.Core.Diagnostics;

namespace Sensor.Host.Reporting;

/// <summary>The human summary written to stderr at the end of a run.</summary>
internal static class RunSummary
{
    public static void Write(TextWriter output, SensorCounters counters, CaptureCounters capture, TimeSpan elapsed, long captureMicros, IEnumerable<string> notes)
    {
        var invariant = CultureInfo.InvariantCulture;
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-6);
        output.WriteLine();
        output.WriteLine("== sensor summary ==");
        output.WriteLine(string.Create(invariant, $"input      {capture.FilesRead} file(s) read, {capture.FilesFailed} failed; {counters.Packets:N0} packets, {FormatBytes(counters.Bytes)} over {captureMicros / 1e6:F1} s of capture"));
        output.WriteLine(string.Create(invariant, $"speed      {elapsed.TotalSeconds:F2} s wall, {counters.Bytes * 8 / seconds / 1e9:F2} Gbit/s, {counters.Packets / seconds / 1e6:F2} Mpkt/s"));
        output.WriteLine(string.Create(invariant, $"decoder    ipv4 {counters.Ipv4:N0}  ipv6 {counters.Ipv6:N0}  tcp {counters.Tcp:N0}  udp {counters.Udp:N0}  icmp {counters.Icmp:N0}  other {counters.OtherIp:N0}  non-ip {counters.NonIp:N0}  invalid {counters.Invalid:N0}  fragments {counters.Fragments:N0}"));
        output.WriteLine(string.Create(invariant, $"flows      {counters.FlowsCreated:N0} total ({counters.FlowsTimedOut:N0} timed out, {counters.FlowsEvicted:N0} evicted); tcp midstream {counters.TcpMidstreamPickups:N0}"));
        output.WriteLine(string.Create(invariant, $"reassembly {FormatBytes(counters.TcpBytesDelivered)} in order; {counters.TcpSegmentsOutOfOrder:N0} out-of-order, {counters.TcpRetransmissions:N0} retransmitted, {counters.TcpOverlaps:N0} overlaps ({counters.TcpOverlapsDifferentData:N0} with different data), {counters.TcpGaps:N0} gaps ({FormatBytes(counters.TcpGapBytes)})"));
        var events = counters.EventsByType;
        var vendors = counters.EventsByLabel
            .Where(e => e.Key.Type == "ai")
            .OrderByDescending(e => e.Value)
            .ThenBy(e => e.Key.Label, StringComparer.Ordinal)
            .Select(e => string.Create(invariant, $"{e.Key.Label} {e.Value:N0}"))
            .ToList();
        var byVendor = vendors.Count > 0 ? " (" + string.Join(", ", vendors) + ")" : "";
        output.WriteLine(string.Create(invariant, $"ai/mcp     {events.GetValueOrDefault("ai"):N0} AI/MCP sessions{byVendor}; {events.GetValueOrDefault("mcp"):N0} MCP messages; findings {events.GetValueOrDefault("finding"):N0}"));
        output.WriteLine("events     " + string.Join("  ", events.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => string.Create(invariant, $"{e.Key} {e.Value:N0}"))));
        var anomalies = counters.AnomalyTotal();
        output.Write(string.Create(invariant, $"anomalies  {anomalies:N0}"));
        if (anomalies > 0)
        {
            var top = counters.Anomalies
                .Select((count, kind) => (count, kind: (AnomalyKind)kind))
                .Where(a => a.count > 0)
                .OrderByDescending(a => a.count)
                .Take(6)
                .Select(a => string.Create(invariant, $"{AnomalyNames.Layer(a.kind)}.{AnomalyNames.Event(a.kind)} {a.count:N0}"));
            output.Write(" (" + string.Join(", ", top) + ")");
        }

        output.WriteLine();
        foreach (var note in notes)
        {
            output.WriteLine("note       " + note);
        }
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
