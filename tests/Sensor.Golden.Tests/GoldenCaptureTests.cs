using System.Collections.Concurrent;
using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>One shared capture: its labels, the sensor's run on it, and its records (read independently).</summary>
internal sealed record GoldenRun(LabelFile Labels, SensorRun Run, IReadOnlyList<PcapRecords.Record> Records);

/// <summary>Runs <c>sensor analyze</c> once per shared capture; the tests of one capture share that run.</summary>
public sealed class GoldenRuns
{
    private readonly ConcurrentDictionary<string, Lazy<GoldenRun>> _runs = new(StringComparer.Ordinal);

    internal GoldenRun For(string labelsFile) =>
        _runs.GetOrAdd(labelsFile, name => new Lazy<GoldenRun>(() =>
        {
            var labels = LabelFile.Load(Path.Combine(Repo.Pcaps, name));
            var pcap = Repo.Pcap(labels.Pcap);
            return new GoldenRun(labels, AnalyzeRuns.Of(pcap), PcapRecords.Read(File.ReadAllBytes(pcap)));
        })).Value;
}

/// <summary>
/// Golden tests on the labelled captures in <c>../shared/pcaps</c> (README.md there, "Labels format"):
/// every labelled TCP flow and DNS query against the sensor's <c>flow</c> events, and the event contract
/// of events.md on everything the sensor wrote.
/// </summary>
public sealed class GoldenCaptureTests : IClassFixture<GoldenRuns>
{
    private static readonly HashSet<string> s_eventTypes = ["flow", "tls", "quic", "dns", "http", "ai", "mcp", "finding", "anomaly", "stats"];

    private readonly GoldenRuns _runs;

    public GoldenCaptureTests(GoldenRuns runs) => _runs = runs;

    /// <summary>Every <c>*.labels.json</c> (one per scenario, and <c>labels.json</c> for <c>all.pcap</c>).</summary>
    public static TheoryData<string> LabelFiles => new(LabelFile.All().Select(Path.GetFileName)!);

    [Fact]
    public void SharedCaptures_ArePresent()
    {
        Assert.True(Directory.Exists(Repo.Pcaps), $"shared captures not found at {Repo.Pcaps}");
        Assert.Contains("labels.json", LabelFile.All().Select(Path.GetFileName));
        Assert.True(LabelFile.All().Count >= 2, "expected the per-scenario labels files too");
    }

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void Analyze_ExitsZero_WithoutAnomalies_AndFinalStatsCountTheFlowEvents(string labelsFile)
    {
        var (_, run, _) = _runs.For(labelsFile);
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Empty(run.OfType("anomaly"));

        var last = run.Events[^1];
        Assert.Equal("stats", last.Type);
        Assert.True(last.Get("stats.final")?.GetBoolean(), "the last event must be the final stats event");
        Assert.Single(run.OfType("stats"), e => e.Get("stats.final")?.GetBoolean() == true);

        var flows = run.OfType("flow").Count();
        Assert.Equal(flows, last.Long("stats.flow.total"));
        Assert.Equal(flows, last.Long("stats.flow.ended"));
        Assert.Equal(0, last.Long("stats.flow.active"));
        Assert.Equal(flows, last.Long("stats.events.flow"));
        Assert.Equal(0, last.Long("stats.anomaly.total"));
        Assert.Equal(1, last.Long("stats.capture.files_read"));
        Assert.Equal(0, last.Long("stats.capture.files_failed"));
    }

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void LabelledTcpFlows_EachAppearOnce_WithTheLabelledPacketAndPayloadCounts(string labelsFile)
    {
        var (labels, run, _) = _runs.For(labelsFile);
        var byTuple = run.OfType("flow").ToLookup(FiveTuple.Of);
        var problems = new List<string>();
        foreach (var label in labels.Flows)
        {
            var matches = byTuple[label.Tuple].ToList();
            if (matches.Count != 1)
            {
                problems.Add($"{label.FiveTuple}: {matches.Count} flow events, expected 1");
                continue;
            }

            var e = matches[0];
            var packets = e.Long("flow.pkts_toserver") + e.Long("flow.pkts_toclient");
            if (packets != label.Packets || e.Long("flow.payload_bytes_toserver") != label.BytesC2s || e.Long("flow.payload_bytes_toclient") != label.BytesS2c)
            {
                problems.Add($"{label.FiveTuple}: packets {packets}, payload {e.Long("flow.payload_bytes_toserver")}/{e.Long("flow.payload_bytes_toclient")}; " +
                             $"labels say {label.Packets}, {label.BytesC2s}/{label.BytesS2c}");
            }

            if (EveTimestamps.ToMicros(e.String("flow.start")!) != label.FirstMicros || EveTimestamps.ToMicros(e.String("flow.end")!) < label.LastMicros)
            {
                problems.Add($"{label.FiveTuple}: start {e.String("flow.start")} end {e.String("flow.end")}, labels say first {label.FirstTs:F6} last {label.LastTs:F6}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void TcpFlowEvents_AreExactlyTheLabelledConnections_WithTheClientAsSource(string labelsFile)
    {
        // The README says every TCP connection is labelled, client first; a reversed or extra TCP flow is a sensor error.
        var (labels, run, _) = _runs.For(labelsFile);
        Assert.Equal(LabelFile.TcpTuples([labels]), run.FlowTuples("TCP"));
    }

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void LabelledDnsQueries_EachHaveAUdpFlowEvent_AndEveryUdpFlowIsALabelledQuery(string labelsFile)
    {
        var (labels, run, _) = _runs.For(labelsFile);
        var udp = run.OfType("flow").Where(e => e.String("proto") == "UDP").Select(FiveTuple.Of).ToHashSet();
        var missing = labels.Dns.Where(d => !udp.Contains(d.Tuple)).Select(d => $"{d.FiveTuple} ({d.Qtype} {d.Qname})").ToList();
        Assert.True(missing.Count == 0, "DNS queries without a UDP flow event:\n" + string.Join('\n', missing));

        // All UDP in these captures is DNS from the clients: a UDP flow that is not a labelled query has its client and server swapped.
        var labelled = labels.Dns.Select(d => d.Tuple).ToHashSet();
        var unexpected = udp.Where(t => !labelled.Contains(t)).Select(t => t.ToString()).ToList();
        Assert.True(unexpected.Count == 0, "UDP flow events that match no labelled query:\n" + string.Join('\n', unexpected));
    }

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void FlowEvents_CarryTheCommunityIdOfTheirFiveTuple(string labelsFile)
    {
        var (_, run, _) = _runs.For(labelsFile);
        var problems = new List<string>();
        foreach (var e in run.OfType("flow"))
        {
            var t = FiveTuple.Of(e);
            var expected = CommunityIdV1.Compute(t.SourceIp, t.SourcePort, t.DestinationIp, t.DestinationPort, t.ProtocolNumber);
            if (e.String("community_id") != expected)
            {
                problems.Add($"{t}: community_id {e.String("community_id")}, expected {expected}");
            }
        }

        Assert.NotEmpty(run.OfType("flow"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void EveryEvent_HasTheCommonEnvelope_InPacketTime(string labelsFile)
    {
        var (_, run, records) = _runs.For(labelsFile);
        var first = records.Min(r => r.TimestampMicros);
        var last = records.Max(r => r.TimestampMicros);
        var flowIds = new HashSet<long>();
        Assert.NotEmpty(run.Events);
        foreach (var e in run.Events)
        {
            var timestamp = e.String("timestamp");
            Assert.True(timestamp is not null && EveTimestamps.Format().IsMatch(timestamp), "timestamp: " + e);
            var micros = EveTimestamps.ToMicros(timestamp!);
            Assert.True(micros >= first && micros <= last, $"pcap mode uses packet time, within the capture [{first}, {last}] us: {e}");
            Assert.Contains(e.Type, s_eventTypes);
            Assert.Equal(JsonValueKind.Object, e.Get("sensor")?.ValueKind);
            Assert.False(string.IsNullOrEmpty(e.String("sensor.name")), "sensor.name: " + e);
            Assert.Equal("pcap", e.String("sensor.mode"));
            Assert.Equal(1, e.Long("schema_version"));
            Assert.Equal(JsonValueKind.Object, e.Get(e.Type)?.ValueKind);

            if (e.Type == "flow")
            {
                Assert.Equal(JsonValueKind.Number, e.Get("flow_id")?.ValueKind);
                Assert.True(flowIds.Add(e.Long("flow_id")), "flow_id must be unique per flow: " + e);
                Assert.Matches("^1:[A-Za-z0-9+/]{27}=$", e.String("community_id") ?? "");
                Assert.Contains(e.String("proto"), new[] { "TCP", "UDP" });
                Assert.NotNull(e.String("src_ip"));
                Assert.NotNull(e.String("dest_ip"));
                Assert.InRange(e.Long("src_port"), 1, 65535);
                Assert.InRange(e.Long("dest_port"), 1, 65535);
                foreach (var field in new[] { "pkts_toserver", "pkts_toclient", "bytes_toserver", "bytes_toclient" })
                {
                    Assert.True(e.Long("flow." + field) >= 0, field + ": " + e);
                }

                Assert.Matches(EveTimestamps.Format(), e.String("flow.start") ?? "");
                Assert.Matches(EveTimestamps.Format(), e.String("flow.end") ?? "");
                Assert.True(EveTimestamps.ToMicros(e.String("flow.start")!) <= EveTimestamps.ToMicros(e.String("flow.end")!), "start <= end: " + e);
                Assert.False(string.IsNullOrEmpty(e.String("flow.state")));
                Assert.False(string.IsNullOrEmpty(e.String("flow.reason")));
            }
        }
    }
}
