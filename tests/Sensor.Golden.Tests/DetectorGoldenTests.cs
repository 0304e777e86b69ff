using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// Issue #5 on the shared captures with their key logs (<c>sensor analyze --keylog</c>, one run per labels file, all.pcap
/// included): every planted secret with <c>role: payload</c> is a <c>finding</c> of its type, at its labelled body
/// location, on its flow, with the fingerprint of exactly that value; and no secret or PII finding appears where the
/// labels plant none. The runs use a fingerprint key this test writes, so it can compute the expected
/// <c>hmac-sha256:</c> of each labelled value without any value ever being printed (messages name secret ids only).
/// </summary>
public sealed class DetectorGoldenTests
{
    /// <summary>
    /// Label <c>secrets[].type</c> (shared/pcaps/README.md) -> detector <c>type</c> (classifiers/rules/secrets.json). The
    /// names agree one for one today; the map is explicit so a renamed rule or a new labelled type fails
    /// <see cref="EveryLabelledSecretType_MapsToAShippedDetectorType"/> instead of silently matching nothing.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> DetectorTypeOfLabel = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["anthropic_api_key"] = "anthropic_api_key",
        ["anthropic_oauth_token"] = "anthropic_oauth_token",
        ["anthropic_session_key"] = "anthropic_session_key",
        ["atlassian_api_token"] = "atlassian_api_token",
        ["aws_access_key_id"] = "aws_access_key_id",
        ["aws_secret_access_key"] = "aws_secret_access_key",
        ["connection_string_password"] = "connection_string_password",
        ["credit_card"] = "credit_card",
        ["email"] = "email",
        ["github_copilot_token"] = "github_copilot_token",
        ["github_oauth_token"] = "github_oauth_token",
        ["github_pat"] = "github_pat",
        ["gitlab_pat"] = "gitlab_pat",
        ["google_api_key"] = "google_api_key",
        ["jwt"] = "jwt",
        ["linear_api_key"] = "linear_api_key",
        ["notion_token"] = "notion_token",
        ["oauth_access_token"] = "oauth_access_token",
        ["oauth_refresh_token"] = "oauth_refresh_token",
        ["openai_api_key"] = "openai_api_key",
        ["postmark_server_token"] = "postmark_server_token",
        ["sentry_user_token"] = "sentry_user_token",
        ["slack_bot_token"] = "slack_bot_token",
        ["ssh_private_key"] = "ssh_private_key",
        ["together_api_key"] = "together_api_key",
        ["us_ssn"] = "us_ssn",
    };

    /// <summary>A fixed key for the runs' fingerprints (>= FingerprintKey.MinKeyBytes); not a secret, only a test input.</summary>
    private static readonly byte[] s_fingerprintKey = Encoding.ASCII.GetBytes("detector-golden-fingerprint-key-0123456789");

    private static readonly Lazy<string> s_config = new(WriteConfig);

    private static readonly ConcurrentDictionary<string, Lazy<SensorRun>> s_runs = new(StringComparer.Ordinal);

    public static TheoryData<string> LabelFiles => GoldenCaptureTests.LabelFiles;

    [Fact]
    public void EveryLabelledSecretType_MapsToAShippedDetectorType()
    {
        using var catalog = JsonDocument.Parse(File.ReadAllText(Repo.Pcap("catalog.json")));
        var labelled = catalog.RootElement.GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("type").GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(labelled, t => !DetectorTypeOfLabel.ContainsKey(t));

        using var rules = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "classifiers", "rules", "secrets.json")));
        var shipped = rules.RootElement.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("type").GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(DetectorTypeOfLabel.Values, t => !shipped.Contains(t));
    }

    /// <summary>
    /// Every <c>role: payload</c> secret of every flow whose payload is visible (plaintext, or decryptable with the shipped
    /// key log) is a finding on that flow (same five-tuple, the <c>flow_id</c> and <c>community_id</c> of its <c>flow</c>
    /// event, the Community ID computed here from the labelled tuple) of the mapped type, at each labelled body location
    /// with the matching direction, and with the fingerprint of the labelled value. Header locations are left out on
    /// purpose: the one <c>role: payload</c> secret labelled in a header (the Asana OAuth access token, which the token
    /// answer gives and the next request then sends as <c>Authorization</c>) is there the client's own credential, which
    /// classifiers/rules/README.md ("Own issuer") redacts instead of reporting.
    /// </summary>
    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void PlantedPayloadSecrets_AreFindingsOfTheirType_AtTheirLocation_OnTheirFlow(string labelsFile)
    {
        var run = Run(labelsFile);
        var findings = Findings(run);
        var flows = FlowEvents(run);
        using var labels = JsonDocument.Parse(File.ReadAllText(Repo.Pcap(labelsFile)));
        var problems = new List<string>();
        var checkedSecrets = 0;
        foreach (var flow in labels.RootElement.GetProperty("flows").EnumerateArray().Where(f => f.GetProperty("payload_visible").GetBoolean()))
        {
            var tuple = FiveTuple.Parse(flow.GetProperty("five_tuple").GetString()!);
            var onFlow = findings[tuple.ToString()].ToList();
            foreach (var secret in PayloadSecrets(flow))
            {
                var id = secret.GetProperty("id").GetString()!;
                var type = DetectorTypeOfLabel[secret.GetProperty("type").GetString()!];
                var fingerprint = Fingerprint(type, secret.GetProperty("value").GetString()!);
                foreach (var location in secret.GetProperty("locations").EnumerateArray().Select(l => l.GetString()!).Where(IsBody))
                {
                    checkedSecrets++;
                    var direction = location == "request-body" ? "to_server" : "to_client";
                    var match = onFlow.Where(e => e.String("finding.type") == type && e.String("finding.location") == location
                        && e.String("finding.direction") == direction && e.String("finding.fingerprint") == fingerprint).ToList();
                    if (match.Count == 0)
                    {
                        var sameType = onFlow.Where(e => e.String("finding.type") == type).Select(e => $"{e.String("finding.location")} {e.String("finding.redacted")}");
                        problems.Add($"{tuple}: {id} ({type}) not found at {location}; findings of that type there: [{string.Join(", ", sameType)}]");
                        continue;
                    }

                    foreach (var e in match)
                    {
                        CheckFlowIdentity(e, tuple, flows, problems);
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var scenarioWithSecrets = labels.RootElement.GetProperty("flows").EnumerateArray()
            .Any(f => f.GetProperty("payload_visible").GetBoolean() && PayloadSecrets(f).Any(s => s.GetProperty("locations").EnumerateArray().Any(l => IsBody(l.GetString()!))));
        Assert.True(!scenarioWithSecrets || checkedSecrets > 0, "no planted secret checked in " + labelsFile);
        Assert.True(labelsFile != "labels.json" || checkedSecrets > 100, $"only {checkedSecrets} planted secret locations checked on all.pcap");
    }

    /// <summary>
    /// No <c>secret</c> or <c>pii</c> finding on a flow that has no <c>role: payload</c> secret, nor on a flow the labels
    /// do not list (DNS, stray packets). Flows whose only labelled secrets are the client's own credentials
    /// (<c>role: auth-credential</c>: an API key in <c>x-api-key</c>, a session cookie, a bearer token) are such flows:
    /// a credential sent to its issuer, and a JWT/OAuth/bearer token in an <c>Authorization</c> header wherever it goes, is
    /// the client authenticating (classifiers/rules/README.md, "Own issuer"), so it is redacted in the <c>http</c> event
    /// and not reported. On flows whose payload is not visible (TLS keys withheld) there can be no content finding at
    /// all. <c>mcp_threat</c> and <c>tenant</c> findings are other detectors' verdicts about the flow, not content
    /// findings, and are allowed anywhere. (On flows that do carry planted secrets the detectors also report e-mail
    /// addresses the labels do not plant, such as <c>noreply@acmecorp.com</c> in the Postmark body or the inbox addresses
    /// in <c>l_mcp_indirect_injection</c>'s mail dump: those are real addresses, correctly reported PII, so they are not
    /// counted as false positives here.)
    /// </summary>
    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void NoSecretOrPiiFinding_OnFlowsWithoutPlantedPayloadSecrets(string labelsFile)
    {
        var run = Run(labelsFile);
        using var labels = JsonDocument.Parse(File.ReadAllText(Repo.Pcap(labelsFile)));
        var planted = labels.RootElement.GetProperty("flows").EnumerateArray()
            .Where(f => f.GetProperty("payload_visible").GetBoolean() && PayloadSecrets(f).Any())
            .Select(f => FiveTuple.Parse(f.GetProperty("five_tuple").GetString()!).ToString())
            .ToHashSet(StringComparer.Ordinal);
        var wrong = run.OfType("finding")
            .Where(e => e.String("finding.category") is "secret" or "pii" && !planted.Contains(FiveTuple.Of(e).ToString()))
            .Select(e => $"{FiveTuple.Of(e)}: {e.String("finding.type")} at {e.String("finding.location")} ({e.String("finding.redacted")})")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        Assert.True(run.ExitCode == 0, run.Describe());
    }

    /// <summary>
    /// The streamed completions of i_streaming_sse: the AWS key id the OpenAI stream repeats in one <c>delta.content</c>
    /// is found once at <c>response-body</c> (the raw SSE body and the joined completion text both hold it; the
    /// detectors' dedupe keeps one finding per value, location and exchange), and no finding of any type is written twice
    /// for one exchange location on these flows.
    /// </summary>
    [Fact]
    public void StreamedCompletion_SecretInADelta_IsFoundOnce()
    {
        var run = Run("i_streaming_sse.labels.json");
        using var labels = JsonDocument.Parse(File.ReadAllText(Repo.Pcap("i_streaming_sse.labels.json")));
        var openAi = labels.RootElement.GetProperty("flows").EnumerateArray().Single(f => f.GetProperty("host").GetString() == "api.openai.com");
        var tuple = FiveTuple.Parse(openAi.GetProperty("five_tuple").GetString()!).ToString();
        var secret = PayloadSecrets(openAi).Single(s => s.GetProperty("id").GetString() == "leak_aws_access_key_id");
        var fingerprint = Fingerprint("aws_access_key_id", secret.GetProperty("value").GetString()!);
        var answer = Findings(run)[tuple].Where(e => e.String("finding.location") == "response-body" && e.String("finding.fingerprint") == fingerprint).ToList();
        Assert.Single(answer);

        var repeated = run.OfType("finding")
            .GroupBy(e => (FiveTuple.Of(e).ToString(), e.String("finding.location"), e.String("finding.type"), e.String("finding.fingerprint")))
            .Where(g => g.Count() > 1 && g.Key.Item4 is not null)
            .Select(g => $"{g.Key.Item1} {g.Key.Item3} at {g.Key.Item2}: {g.Count()} findings")
            .ToList();
        Assert.True(repeated.Count == 0, string.Join('\n', repeated));
    }

    /// <summary>
    /// With the secret/PII detectors off, the MCP threat detectors still write findings; their fingerprints use the
    /// configured key (the same value as with detectors on), not a key made up for the run, so they still correlate.
    /// </summary>
    [Fact]
    public void DetectorsOff_ThreatFindingFingerprints_UseTheConfiguredKey()
    {
        const string Labels = "f_mcp_malicious.labels.json";
        var on = Run(Labels).OfType("finding").Where(e => e.String("finding.category") == "mcp_threat" && e.String("finding.fingerprint") is not null)
            .Select(e => e.String("finding.fingerprint")).ToHashSet();
        Assert.NotEmpty(on);

        var config = Path.Combine(Path.GetDirectoryName(s_config.Value)!, "detectors-off.yaml");
        File.WriteAllText(config, $"detectors:\n  enabled: false\n  hmac_key_file: {Path.Combine(Path.GetDirectoryName(s_config.Value)!, "fingerprint.key")}\n");
        using var labels = JsonDocument.Parse(File.ReadAllText(Repo.Pcap(Labels)));
        var off = SensorCli.Run("analyze", "-q", "--config", config, "--keylog", Repo.Pcap(labels.RootElement.GetProperty("keylog").GetString()!), Repo.Pcap(labels.RootElement.GetProperty("pcap").GetString()!));
        Assert.True(off.ExitCode == 0, off.Describe());
        var offPrints = off.OfType("finding").Where(e => e.String("finding.fingerprint") is not null).Select(e => e.String("finding.fingerprint")).ToHashSet();
        Assert.NotEmpty(offPrints);
        Assert.Subset(on, offPrints);
    }

    private static SensorRun Run(string labelsFile) =>
        s_runs.GetOrAdd(labelsFile, name => new Lazy<SensorRun>(() =>
        {
            using var labels = JsonDocument.Parse(File.ReadAllText(Repo.Pcap(name)));
            var pcap = Repo.Pcap(labels.RootElement.GetProperty("pcap").GetString()!);
            var keylog = Repo.Pcap(labels.RootElement.GetProperty("keylog").GetString()!);
            var run = SensorCli.Run("analyze", "-q", "--config", s_config.Value, "--keylog", keylog, pcap);
            Assert.True(run.ExitCode == 0, run.Describe());
            return run;
        })).Value;

    /// <summary>A config naming the test's fingerprint key (written once per test process, left in the temp directory).</summary>
    private static string WriteConfig()
    {
        var directory = Path.Combine(Path.GetTempPath(), "sensor-golden-detectors-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        var key = Path.Combine(directory, "fingerprint.key");
        File.WriteAllBytes(key, s_fingerprintKey);
        var config = Path.Combine(directory, "sensor.yaml");
        File.WriteAllText(config, $"detectors:\n  hmac_key_file: {key}\n");
        return config;
    }

    /// <summary>
    /// The fingerprint the sensor gives a value (Core's SecretRedaction.Fingerprint: HMAC-SHA256 over the value's Latin-1
    /// bytes; payment cards over their digits only, so one card written with spaces or dashes correlates).
    /// </summary>
    private static string Fingerprint(string type, string value)
    {
        var text = type == "credit_card" ? new string([.. value.Where(char.IsAsciiLetterOrDigit)]) : value;
        return "hmac-sha256:" + Convert.ToHexStringLower(HMACSHA256.HashData(s_fingerprintKey, Encoding.Latin1.GetBytes(text)));
    }

    private static ILookup<string, EveEvent> Findings(SensorRun run) => run.OfType("finding").ToLookup(e => FiveTuple.Of(e).ToString(), StringComparer.Ordinal);

    private static ILookup<string, EveEvent> FlowEvents(SensorRun run) => run.OfType("flow").ToLookup(e => FiveTuple.Of(e).ToString(), StringComparer.Ordinal);

    private static IEnumerable<JsonElement> PayloadSecrets(JsonElement flow) =>
        flow.TryGetProperty("secrets", out var secrets) && secrets.ValueKind == JsonValueKind.Array
            ? secrets.EnumerateArray().Where(s => s.GetProperty("role").GetString() == "payload")
            : [];

    private static bool IsBody(string location) => location is "request-body" or "response-body";

    /// <summary>The finding carries its flow's identity: the flow event's flow_id and community_id, and the spec's Community ID of the tuple.</summary>
    private static void CheckFlowIdentity(EveEvent finding, FiveTuple tuple, ILookup<string, EveEvent> flows, List<string> problems)
    {
        var flowEvents = flows[tuple.ToString()].ToList();
        if (!flowEvents.Any(f => f.Long("flow_id") == finding.Long("flow_id")))
        {
            problems.Add($"{tuple}: finding {finding.String("finding.type")} has flow_id {finding.Long("flow_id")}, not its flow event's");
        }

        var expected = CommunityIdV1.Compute(tuple.SourceIp, tuple.SourcePort, tuple.DestinationIp, tuple.DestinationPort, tuple.ProtocolNumber);
        if (finding.String("community_id") != expected || flowEvents.Any(f => f.String("community_id") != expected))
        {
            problems.Add($"{tuple}: finding {finding.String("finding.type")} community_id {finding.String("community_id")}, expected {expected}");
        }
    }
}
