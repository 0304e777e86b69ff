using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// Every labelled request of a plaintext flow (shared/pcaps/README.md: <c>requests[]</c> with method, host, path,
/// status) appears as one <c>http</c> event on its flow, on each scenario's capture and on all.pcap.
/// </summary>
public sealed class HttpLabelTests : IClassFixture<GoldenRuns>
{
    /// <summary>Credential query values (Gemini's <c>?key=</c>) are written redacted: the labels' path is compared the same way.</summary>
    private static readonly System.Text.RegularExpressions.Regex CredentialParameters = new("([?&]key=)[^&#]+");

    private readonly GoldenRuns _runs;

    public HttpLabelTests(GoldenRuns runs) => _runs = runs;

    public static TheoryData<string> LabelFiles => GoldenCaptureTests.LabelFiles;

    /// <summary>
    /// With the key log, every labelled request of every decryptable TLS flow (HTTP/1.1 and HTTP/2 alike) is an
    /// <c>http</c> event on its flow. The query is left out of the comparison: where a detector found a secret in
    /// it, the event keeps only the parameter names.
    /// </summary>
    [Fact]
    public void LabelledDecryptedRequests_EachAppearAsAnHttpEvent_OnTheirFlow()
    {
        var run = SensorCli.Run("analyze", "-q", "--keylog", Repo.Pcap("all.keys.log"), Repo.Pcap("all.pcap"));
        Assert.True(run.ExitCode == 0, run.Describe());
        var events = run.OfType("http").ToLookup(FiveTuple.Of);
        var problems = new List<string>();
        var checkedRequests = 0;
        using var labels = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Pcaps, "labels.json")));
        foreach (var flow in labels.RootElement.GetProperty("flows").EnumerateArray())
        {
            if (!flow.GetProperty("encrypted").GetBoolean() || flow.GetProperty("decryptable_with_keylog").ValueKind != JsonValueKind.True)
            {
                continue;
            }

            var tuple = FiveTuple.Parse(flow.GetProperty("five_tuple").GetString()!);
            var expected = flow.GetProperty("requests").EnumerateArray()
                .Select(r => Describe(r.GetProperty("method").GetString(), r.GetProperty("host").GetString(), PathOnly(r.GetProperty("path").GetString()), r.GetProperty("status").GetInt32()))
                .Order(StringComparer.Ordinal).ToList();
            var actual = events[tuple]
                .Select(e => Describe(e.String("http.http_method"), e.String("http.hostname"), PathOnly(e.String("http.url")), (int)e.Long("http.status")))
                .Order(StringComparer.Ordinal).ToList();
            checkedRequests += expected.Count;
            if (!expected.SequenceEqual(actual))
            {
                problems.Add($"{tuple}: events [{string.Join(" | ", actual)}], labels [{string.Join(" | ", expected)}]");
            }

            if (events[tuple].Any(e => e.Get("http.decrypted")?.ValueKind != JsonValueKind.True))
            {
                problems.Add($"{tuple}: an http event without decrypted: true");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(checkedRequests > 100, $"only {checkedRequests} decrypted requests checked");
    }

    private static string? PathOnly(string? target) => target?.Split('?')[0];

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void LabelledPlaintextRequests_EachAppearAsAnHttpEvent_OnTheirFlow(string labelsFile)
    {
        var (_, run, _) = _runs.For(labelsFile);
        var events = run.OfType("http").ToLookup(FiveTuple.Of);
        var problems = new List<string>();
        var checkedRequests = 0;
        using var labels = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Pcaps, labelsFile)));
        foreach (var flow in labels.RootElement.GetProperty("flows").EnumerateArray())
        {
            if (flow.GetProperty("encrypted").GetBoolean())
            {
                continue;
            }

            var tuple = FiveTuple.Parse(flow.GetProperty("five_tuple").GetString()!);
            var expected = flow.GetProperty("requests").EnumerateArray()
                .Select(r => Describe(r.GetProperty("method").GetString(), r.GetProperty("host").GetString(), CredentialParameters.Replace(r.GetProperty("path").GetString()!, "$1[redacted]"), r.GetProperty("status").GetInt32()))
                .Order(StringComparer.Ordinal).ToList();
            var actual = events[tuple]
                .Select(e => Describe(e.String("http.http_method"), e.String("http.hostname"), e.String("http.url"), (int)e.Long("http.status")))
                .Order(StringComparer.Ordinal).ToList();
            checkedRequests += expected.Count;
            if (!expected.SequenceEqual(actual))
            {
                problems.Add($"{tuple}: events [{string.Join(" | ", actual)}], labels [{string.Join(" | ", expected)}]");
            }

            if (expected.Count > 0 && events[tuple].Any(e => e.String("app_proto") != "http"))
            {
                problems.Add($"{tuple}: app_proto is not http");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var plaintextScenario = labelsFile is "h_plaintext_http.labels.json" or "s_ipv6.labels.json" or "labels.json";
        Assert.True(!plaintextScenario || checkedRequests > 0, "no labelled plaintext request in " + labelsFile);
    }

    private static string Describe(string? method, string? host, string? path, int status) => $"{method} {host} {path} {status}";
}
