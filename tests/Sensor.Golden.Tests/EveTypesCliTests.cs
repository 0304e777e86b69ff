using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// <c>eve.types</c> (Suricata's <c>eve-log: types:</c>): only the listed event types are written, and the ones written
/// are exactly those of the full run, because the unlisted ones are still produced and seen by attribution.
/// </summary>
public sealed class EveTypesCliTests
{
    [Fact]
    public void AllPcap_OnlyListedTypes_AreWritten_AndAreThoseOfTheFullRun()
    {
        var full = AnalyzeRuns.Of(Repo.Pcap("all.pcap"));
        using var directory = new TempDirectory();
        var config = directory.File("sensor.yaml");
        File.WriteAllText(config, "eve:\n  types: [flow, ai, tls]\n");

        var run = SensorCli.Run("analyze", "--quiet", "--config", config, Repo.Pcap("all.pcap"));

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains(full.Events, e => e.Type == "dns"); // the capture has dns events to leave out
        Assert.Equal(["ai", "flow", "tls"], run.Events.Select(e => e.Type).Distinct().Order(StringComparer.Ordinal).ToArray());
        foreach (var type in new[] { "flow", "ai", "tls" })
        {
            var expected = full.OfType(type).Select(e => e.Line).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, run.OfType(type).Select(e => e.Line).Order(StringComparer.Ordinal).ToList());
        }

        var dropped = full.Events.Count(e => e.Type is not ("flow" or "ai" or "tls"));
        Assert.Contains(run.StderrLines, l => l.Contains($"eve.types: {dropped:N0} events", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownType_IsAConfigError()
    {
        using var directory = new TempDirectory();
        var config = directory.File("sensor.yaml");
        File.WriteAllText(config, "eve:\n  types: [flow, alert]\n");

        var run = SensorCli.Run("analyze", "--quiet", "--config", config, Repo.Pcap("all.pcap"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown event type 'alert'", run.Stderr, StringComparison.Ordinal);
    }
}
