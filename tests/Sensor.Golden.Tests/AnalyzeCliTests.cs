using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary><c>sensor analyze</c> as a user runs it: directories, gzip, <c>-o</c>, bad and truncated inputs, <c>--config</c>, <c>--keylog</c>.</summary>
public sealed partial class AnalyzeCliTests : IDisposable
{
    private const string SmallCapture = "n_mcp_stateless_2026";
    private const string OtherCapture = "f_mcp_malicious";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary><c>FILE:LINE:COL KEY: MESSAGE</c> (operations.md §5), after the <c>sensor: config </c> prefix.</summary>
    [GeneratedRegex(@"^(?:sensor: config )?(?<file>.+):(?<line>\d+):(?<col>\d+) (?<key>\S+): (?<message>.+)$")]
    private static partial Regex ConfigErrorLine();

    [Fact]
    public void Directory_IsReadWhole_AndTheKeyLogBesideThePcapsIsIgnored()
    {
        var dir = Directory.CreateDirectory(_temp.File("captures")).FullName;
        foreach (var name in new[] { SmallCapture + ".pcap", OtherCapture + ".pcap", OtherCapture + ".keys.log" })
        {
            File.Copy(Repo.Pcap(name), Path.Combine(dir, name));
        }

        var run = SensorCli.Run("analyze", "-q", dir);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.DoesNotContain(run.StderrLines, l => l.Contains(".keys.log", StringComparison.Ordinal));
        Assert.Contains(run.StderrLines, l => l.Contains("2 file(s) read, 0 failed", StringComparison.Ordinal));
        var stats = run.Events[^1];
        Assert.Equal(2, stats.Long("stats.capture.files_read"));
        Assert.Equal(0, stats.Long("stats.capture.files_failed"));
        Assert.Empty(run.OfType("anomaly"));

        var labels = new[] { SmallCapture, OtherCapture }.Select(s => LabelFile.Load(Repo.Pcap(s + ".labels.json")));
        Assert.Equal(LabelFile.TcpTuples(labels), run.FlowTuples("TCP"));
    }

    [Fact]
    public void GzipCompressedCopy_GivesTheSameFlowEvents_AsThePlainCapture()
    {
        var plain = Repo.Pcap("s_ipv6.pcap");
        var gz = _temp.File("s_ipv6.pcap.gz");
        using (var input = File.OpenRead(plain))
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Optimal))
        {
            input.CopyTo(output);
        }

        var fromPlain = SensorCli.Run("analyze", "-q", plain);
        var fromGzip = SensorCli.Run("analyze", "-q", gz);

        Assert.True(fromGzip.ExitCode == 0, fromGzip.Describe());
        Assert.Empty(fromGzip.OfType("anomaly"));
        var expected = fromPlain.OfType("flow").Select(e => e.Line).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, fromGzip.OfType("flow").Select(e => e.Line));
    }

    [Fact]
    public void OutputOption_WritesTheEventsToTheFile_AndNothingToStdout()
    {
        var capture = Repo.Pcap(SmallCapture + ".pcap");
        var file = _temp.File("events.ndjson");

        var toFile = SensorCli.Run("analyze", "-q", capture, "-o", file);
        var toStdout = SensorCli.Run("analyze", "-q", capture);

        Assert.True(toFile.ExitCode == 0, toFile.Describe());
        Assert.Equal("", toFile.Stdout);
        var written = File.ReadAllText(file);
        Assert.EndsWith("\n", written, StringComparison.Ordinal);
        var events = EveEvent.ParseNdjson(written);
        Assert.Equal("stats", events[^1].Type);
        Assert.Equal(toStdout.OfType("flow").Select(e => e.Line), events.Where(e => e.Type == "flow").Select(e => e.Line));
        Assert.Contains("== sensor summary ==", toFile.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notes.txt", "these are meeting notes, not packets\n")]
    [InlineData("random.pcap", "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c")]
    [InlineData("empty.pcap", "")]
    public void NonCaptureFile_Exits1_WithOneErrorLineNamingTheFile(string name, string content)
    {
        var path = _temp.File(name);
        File.WriteAllText(path, content);

        var run = SensorCli.Run("analyze", "-q", path);

        Assert.True(run.ExitCode == 1, run.Describe());
        AssertNoCrash(run);
        var naming = run.StderrLines.Where(l => l.Contains(path, StringComparison.Ordinal)).ToList();
        Assert.True(naming.Count == 1, "expected one error line naming the file:\n" + run.Stderr);
        Assert.StartsWith("sensor analyze: ", naming[0], StringComparison.Ordinal);
        Assert.Empty(run.OfType("flow"));
    }

    [Fact]
    public void MissingFile_ExitsNonZero_AndNamesIt()
    {
        var path = _temp.File("no-such-capture.pcap");

        var run = SensorCli.Run("analyze", "-q", path);

        Assert.NotEqual(0, run.ExitCode);
        AssertNoCrash(run);
        Assert.Single(run.StderrLines, l => l.Contains(path, StringComparison.Ordinal));
    }

    /// <summary>Cuts a copy of a capture inside one record (its header, or its data) and expects the flows before the cut.</summary>
    [Theory]
    [InlineData(PcapRecords.RecordHeaderLength / 2)]
    [InlineData(-1)]
    public void TruncatedCapture_KeepsTheFlowsBeforeTheCut_AndReportsATruncatedRecord(int cutInsideRecord)
    {
        const string scenario = "c_openai_tenants";
        var bytes = File.ReadAllBytes(Repo.Pcap(scenario + ".pcap"));
        var records = PcapRecords.Read(bytes);
        var cutRecord = records[records.Count / 2];
        var within = cutInsideRecord >= 0 ? cutInsideRecord : PcapRecords.RecordHeaderLength + ((cutRecord.Length - PcapRecords.RecordHeaderLength) / 2);
        Assert.InRange(within, 1, cutRecord.Length - 1);
        var path = _temp.File(scenario + "-truncated.pcap");
        File.WriteAllBytes(path, bytes.AsSpan(0, (int)cutRecord.Offset + within).ToArray());

        var run = SensorCli.Run("analyze", "-q", path);

        Assert.True(run.ExitCode == 0, run.Describe());
        AssertNoCrash(run);
        var anomaly = Assert.Single(run.OfType("anomaly"));
        Assert.Equal("capture", anomaly.String("anomaly.layer"));
        Assert.Equal("truncated_record", anomaly.String("anomaly.event"));
        Assert.Equal(path, anomaly.String("anomaly.source"));
        Assert.Equal(1, run.Events[^1].Get("stats.anomaly")!.Value.GetProperty("capture.truncated_record").GetInt64());

        // Records are in time order: what ended before the cut record is whole, what began after it is absent.
        var cutTime = cutRecord.TimestampMicros;
        var flows = run.OfType("flow").ToLookup(FiveTuple.Of);
        var labels = LabelFile.Load(Repo.Pcap(scenario + ".labels.json")).Flows;
        var before = labels.Where(l => l.LastMicros < cutTime).ToList();
        var after = labels.Where(l => l.FirstMicros > cutTime).ToList();
        Assert.NotEmpty(before);
        Assert.NotEmpty(after);
        foreach (var label in before)
        {
            var e = Assert.Single(flows[label.Tuple]);
            Assert.Equal(label.Packets, e.Long("flow.pkts_toserver") + e.Long("flow.pkts_toclient"));
            Assert.Equal(label.BytesC2s, e.Long("flow.payload_bytes_toserver"));
            Assert.Equal(label.BytesS2c, e.Long("flow.payload_bytes_toclient"));
        }

        foreach (var label in after)
        {
            Assert.Empty(flows[label.Tuple]);
        }

        foreach (var label in labels.Where(l => l.FirstMicros < cutTime && l.LastMicros > cutTime))
        {
            var e = Assert.Single(flows[label.Tuple]);
            Assert.InRange(e.Long("flow.pkts_toserver") + e.Long("flow.pkts_toclient"), 1, label.Packets - 1);
        }
    }

    [Theory]
    [InlineData("sensor:\n  name: test-sensor\n  nmae: typo\n", 3, 3, "sensor.nmae")]
    [InlineData("sensor:\n  name: test-sensor\nflow:\n  tcp_timeout: soon\n", 4, 16, "flow.tcp_timeout")]
    [InlineData("stats:\n  interval: 0\n", 2, 13, "stats.interval")]
    [InlineData("sensro:\n  name: test-sensor\n", 1, 1, "sensro")]
    public void Config_UnknownKeyOrBadValue_Exits2_AndSaysFileLineColumnAndKey(string yaml, int line, int column, string key)
    {
        var config = WriteConfig(yaml);

        var run = SensorCli.Run("analyze", "-q", "--config", config, Repo.Pcap(SmallCapture + ".pcap"));

        Assert.True(run.ExitCode == 2, run.Describe());
        AssertConfigError(run, config, line, column, key);
        Assert.Empty(run.Events);
    }

    /// <summary>Broken configs must be reported as <c>file:line:col key: message</c>, never crash, never be half-applied (operations.md R20).</summary>
    [Theory]
    [InlineData("syntax", "sensor: {name: x\n")]
    [InlineData("root-sequence", "- sensor\n- flow\n")]
    [InlineData("section-not-mapping", "sensor: test-sensor\n")]
    [InlineData("unknown-empty-section", "sensro: {}\n")]
    [InlineData("sequence-as-section-key", "? [sensor]\n: {name: x}\n")]
    [InlineData("sequence-as-key", "sensor:\n  ? [name]\n  : x\n")]
    [InlineData("mapping-as-value", "sensor:\n  name: {first: x}\n")]
    [InlineData("second-document", "sensor: {name: a}\n---\nsensor: {nmae: b}\n")]
    [InlineData("size-overflow", "flow:\n  memcap: 99999999999999gb\n")]
    public void Config_Broken_Exits2_WithALocatedError_AndNoCrash(string name, string yaml)
    {
        var config = WriteConfig(yaml, name + ".yaml");

        var run = SensorCli.Run("analyze", "-q", "--config", config, Repo.Pcap(SmallCapture + ".pcap"));

        AssertNoCrash(run);
        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Contains(run.StderrLines, l => ConfigErrorLine().Match(l) is { Success: true } m && m.Groups["file"].Value == config);
        Assert.Empty(run.Events);
    }

    [Fact]
    public void Config_ThatIsADirectory_Exits2_WithAnErrorNamingIt()
    {
        var dir = Directory.CreateDirectory(_temp.File("config.d")).FullName;

        var run = SensorCli.Run("analyze", "-q", "--config", dir, Repo.Pcap(SmallCapture + ".pcap"));

        AssertNoCrash(run);
        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Contains(run.StderrLines, l => l.Contains(dir, StringComparison.Ordinal));
    }

    [Fact]
    public void Config_Valid_SetsTheSensorName_OnEveryEvent()
    {
        var config = WriteConfig("# test config\nsensor:\n  name: test-sensor\nflow:\n  tcp_timeout: 600\n");

        var run = SensorCli.Run("analyze", "-q", "--config", config, Repo.Pcap(SmallCapture + ".pcap"));

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.NotEmpty(run.OfType("flow"));
        Assert.All(run.Events, e => Assert.Equal("test-sensor", e.String("sensor.name")));
    }

    [Fact]
    public void KeyLog_IsAccepted_AndNamedInTheSummary_ButNoSecretIsEverEchoed()
    {
        var keyLog = Repo.Pcap("all.keys.log");
        var secrets = File.ReadLines(keyLog)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length == 3)
            .Select(p => p[2].ToLowerInvariant())
            .ToList();
        Assert.NotEmpty(secrets);

        var run = SensorCli.Run("analyze", "-q", "--keylog", keyLog, Repo.Pcap("all.pcap"));

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains(run.StderrLines, l => l.Contains("all.keys.log", StringComparison.Ordinal) && l.Contains($"{secrets.Count} secrets", StringComparison.Ordinal));
        var everything = (run.Stdout + "\n" + run.Stderr).ToLowerInvariant();
        // A whole secret, or even its first 16 hex digits, must not appear anywhere.
        var leaked = secrets.Where(s => everything.Contains(s[..16], StringComparison.Ordinal)).ToList();
        Assert.True(leaked.Count == 0, $"{leaked.Count} key log secrets appear in the sensor's output");

        // Nor any value planted in the captures (catalog.json: keys, tokens, card numbers...).
        using var catalog = JsonDocument.Parse(File.ReadAllText(Repo.Pcap("catalog.json")));
        var planted = catalog.RootElement.GetProperty("secrets").EnumerateArray()
            .Select(s => s.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "")
            .Where(v => v.Length >= 12)
            .ToList();
        Assert.NotEmpty(planted);
        var rawOutput = run.Stdout + "\n" + run.Stderr;
        Assert.DoesNotContain(planted, v => rawOutput.Contains(v, StringComparison.Ordinal));
    }

    [Fact]
    public void KeyLog_Missing_Exits2_AndNamesIt()
    {
        var keyLog = _temp.File("missing.keys.log");

        var run = SensorCli.Run("analyze", "-q", "--keylog", keyLog, Repo.Pcap(SmallCapture + ".pcap"));

        AssertNoCrash(run);
        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Contains(run.StderrLines, l => l.Contains(keyLog, StringComparison.Ordinal));
    }

    private static void AssertNoCrash(SensorRun run)
    {
        Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(run.StderrLines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.NotEqual(134, run.ExitCode); // SIGABRT: the runtime's crash exit
    }

    private static void AssertConfigError(SensorRun run, string file, int line, int column, string key)
    {
        var errors = run.StderrLines.Select(l => ConfigErrorLine().Match(l)).Where(m => m.Success).ToList();
        Assert.True(errors.Count > 0, "no file:line:col key: message line in:\n" + run.Stderr);
        Assert.Contains(errors, m =>
            m.Groups["file"].Value == file && m.Groups["line"].Value == line.ToString(System.Globalization.CultureInfo.InvariantCulture) &&
            m.Groups["col"].Value == column.ToString(System.Globalization.CultureInfo.InvariantCulture) && m.Groups["key"].Value == key &&
            m.Groups["message"].Value.Length > 0);
    }

    private string WriteConfig(string yaml, string name = "sensor.yaml")
    {
        var path = _temp.File(name);
        File.WriteAllText(path, yaml);
        return path;
    }
}
