using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// <c>sensor analyze --metadata-only</c> (a SPAN port without keys, the harness's sensor-metadata mode): the metadata
/// events are exactly those of the full run, and nothing from payloads is produced, even when a key log is given.
/// </summary>
public sealed class MetadataOnlyCliTests
{
    private static readonly string[] s_metadataTypes = ["dns", "tls", "flow"];
    private static readonly string[] s_payloadTypes = ["http", "mcp", "finding"];

    [Fact]
    public void AllPcap_MetadataEvents_AreThoseOfTheFullRun_AndNoPayloadEvents()
    {
        var full = AnalyzeRuns.Of(Repo.Pcap("all.pcap"));
        var metadata = SensorCli.Run("analyze", "--quiet", "--metadata-only", "--keylog", Repo.Pcap("all.keys.log"), Repo.Pcap("all.pcap"));

        Assert.True(metadata.ExitCode == 0, metadata.Describe());
        Assert.Contains(metadata.StderrLines, l => l.Contains("key logs are not used", StringComparison.Ordinal));
        Assert.Contains(full.Events, e => s_payloadTypes.Contains(e.Type)); // the capture has payload events to leave out
        Assert.DoesNotContain(metadata.Events, e => s_payloadTypes.Contains(e.Type));
        foreach (var type in s_metadataTypes)
        {
            var expected = full.OfType(type).Select(e => e.Line).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, metadata.OfType(type).Select(e => e.Line).Order(StringComparer.Ordinal).ToList());
        }

        // ai: one per session, same vendor, service and host (tenancy needs payloads, so it may say less).
        static List<string> Sessions(SensorRun run) =>
            run.OfType("ai").Select(e => $"{e.Long("flow_id")} {e.String("ai.vendor")} {e.String("ai.service")} {e.String("ai.host")}").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(Sessions(full));
        Assert.Equal(Sessions(full), Sessions(metadata));
    }

    [Fact]
    public void MetadataOnly_IsInTheUsage()
    {
        var run = SensorCli.Run("analyze");
        Assert.Contains("--metadata-only", run.Stderr, StringComparison.Ordinal);
    }
}
