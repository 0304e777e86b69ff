using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary><c>sensor analyze --keylog</c> as a user runs it: key logs merge, <c>tls.decrypted</c> says which flows opened.</summary>
public sealed class TlsDecryptionCliTests
{
    private static string Conformance(string relative) => Path.Combine(Repo.Shared, "conformance", relative);

    [Fact]
    public void SeveralKeyLogs_Merge_AndEachCaptureDecrypts()
    {
        var run = SensorCli.Run(
            "analyze", "-q",
            "--keylog", Conformance("wireshark/illustrated-tls13/keylog.txt"),
            "--keylog", Conformance("wireshark/illustrated-tls12/keylog.txt"),
            Conformance("wireshark/illustrated-tls13/capture.pcap"),
            Conformance("wireshark/illustrated-tls12/capture.pcap"));

        Assert.True(run.ExitCode == 0, run.Describe());
        var tls = run.OfType("tls").ToList();
        Assert.Equal(2, tls.Count);
        Assert.All(tls, e => Assert.Equal(JsonValueKind.True, e.Get("tls.decrypted")!.Value.ValueKind));
        Assert.Equal(2, run.StderrLines.Count(l => l.Contains("TLS key log keylog.txt", StringComparison.Ordinal)));
        Assert.Empty(run.OfType("anomaly"));
    }

    [Fact]
    public void OneKeyLogMissing_LeavesTheOtherFlowMetadataOnly_WithoutAnomalies()
    {
        var run = SensorCli.Run(
            "analyze", "-q",
            "--keylog", Conformance("wireshark/illustrated-tls13/keylog.txt"),
            Conformance("wireshark/illustrated-tls13/capture.pcap"),
            Conformance("wireshark/illustrated-tls12/capture.pcap"));

        Assert.True(run.ExitCode == 0, run.Describe());
        var decrypted = run.OfType("tls").ToDictionary(e => e.String("tls.version")!, e => e.Get("tls.decrypted")!.Value.GetBoolean());
        Assert.True(decrypted["TLS 1.3"]);
        Assert.False(decrypted["TLS 1.2"]);
        Assert.Empty(run.OfType("anomaly"));
    }

    [Fact]
    public void DecryptionSecretsBlock_InThePcapng_IsUsed_AndNamedInTheSummary()
    {
        var run = SensorCli.Run("analyze", "-q", Conformance("ja4/pcap/chrome-cloudflare-quic-with-secrets.pcapng"));

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(JsonValueKind.True, Assert.Single(run.OfType("tls")).Get("tls.decrypted")!.Value.ValueKind);
        Assert.Contains(run.StderrLines, l => l.Contains("Decryption Secrets Block", StringComparison.Ordinal) && l.Contains("used for decryption", StringComparison.Ordinal));
    }
}
