using System.Text.Json;
using Sensor.Tests.TestSupport;
using Xunit.Abstractions;

namespace Sensor.Tests.Detectors;

/// <summary>
/// ../shared/conformance/secrets/cases.jsonl (gitleaks true/false positives, presidio card/email cases). A match row must
/// yield a finding of the mapped type; a nomatch row must yield none of that type. Rows gitleaks rejects only by
/// entropy or allowlist (<c>nomatch_reason</c>) are scored separately (see classifiers/rules/README.md).
/// </summary>
public class ConformanceTests(ITestOutputHelper output)
{
    /// <summary>gitleaks/presidio rule -> the finding types that count as that rule (GitHub app tokens come as ghu_ or ghs_).</summary>
    private static readonly Dictionary<string, string[]> s_types = new(StringComparer.Ordinal)
    {
        ["anthropic-api-key"] = ["anthropic_api_key"],
        ["anthropic-admin-api-key"] = ["anthropic_admin_api_key"],
        ["openai-api-key"] = ["openai_api_key"],
        ["github-pat"] = ["github_pat"],
        ["github-fine-grained-pat"] = ["github_fine_grained_pat"],
        ["github-oauth"] = ["github_oauth_token"],
        ["github-app-token"] = ["github_user_to_server_token", "github_server_to_server_token"],
        ["github-refresh-token"] = ["github_refresh_token"],
        ["slack-bot-token"] = ["slack_bot_token"],
        ["slack-legacy-bot-token"] = ["slack_bot_token"],
        ["slack-user-token"] = ["slack_user_token"],
        ["slack-app-token"] = ["slack_app_token"],
        ["slack-config-access-token"] = ["slack_config_access_token"],
        ["slack-config-refresh-token"] = ["slack_config_refresh_token"],
        ["slack-legacy-workspace-token"] = ["slack_legacy_workspace_token"],
        ["slack-legacy-token"] = ["slack_legacy_token"],
        ["slack-webhook-url"] = ["slack_webhook_url"],
        ["notion-api-token"] = ["notion_token"],
        ["atlassian-api-token"] = ["atlassian_api_token"],
        ["aws-access-token"] = ["aws_access_key_id"],
        ["aws-amazon-bedrock-api-key-long-lived"] = ["aws_bedrock_api_key"],
        ["aws-amazon-bedrock-api-key-short-lived"] = ["aws_bedrock_api_key"],
        ["gcp-service-account"] = ["gcp_service_account"],
        ["gcp-api-key"] = ["google_api_key"],
        ["stripe-access-token"] = ["stripe_api_key"],
        ["credit_card"] = ["credit_card"],
        ["email"] = ["email"],
    };

    private static List<JsonElement> Rows()
    {
        var rows = File.ReadLines(SharedInputs.Conformance("secrets/cases.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(161, rows.Count);
        return rows;
    }

    private static string? Reason(JsonElement row) => row.TryGetProperty("nomatch_reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;

    private static (bool Ok, string Why) Score(JsonElement row)
    {
        var rule = row.GetProperty("rule").GetString()!;
        var sample = row.GetProperty("sample").GetString()!;
        var expected = row.GetProperty("expected").GetString();
        var types = s_types[rule];
        var found = DetectorFixture.Matches(sample).Where(m => types.Contains(m.Type)).ToList();
        if (expected == "nomatch")
        {
            return (found.Count == 0, $"{found.Count} unexpected {string.Join(",", types)}");
        }

        if (row.TryGetProperty("expected_values", out var values))
        {
            var want = values.EnumerateArray().Select(v => v.GetString()!).Order().ToList();
            var got = found.SelectMany(f => Enumerable.Repeat(f.Value, f.Count)).Order().ToList();
            return (want.SequenceEqual(got), $"want {want.Count} values, got {got.Count}");
        }

        return (found.Count >= 1, "no " + string.Join(",", types));
    }

    [Fact]
    public void EveryRowWithoutAnEntropyOrAllowlistReason_IsScoredRight()
    {
        var failures = new List<string>();
        var rows = Rows().Where(r => Reason(r) is null).ToList();
        foreach (var row in rows)
        {
            var (ok, why) = Score(row);
            if (!ok)
            {
                // The rule and a row index only: samples are secrets-shaped and stay out of test output.
                failures.Add($"{row.GetProperty("rule").GetString()} {row.GetProperty("expected").GetString()} (line {rows.IndexOf(row)}): {why}");
            }
        }

        output.WriteLine($"{rows.Count - failures.Count}/{rows.Count} rows without nomatch_reason scored right");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// The 25 rows gitleaks rejects by entropy or allowlist: placeholders fail our checksum (GitHub) or entropy check,
    /// AKIA…EXAMPLE our stopword, and the public Firebase example keys our SHA-256 allowlist. All 25 are held to nomatch.
    /// </summary>
    [Fact]
    public void RowsGitleaksRejectsByEntropyOrAllowlist_AreNotFindingsEither()
    {
        var rows = Rows().Where(r => Reason(r) is not null).ToList();
        Assert.Equal(25, rows.Count);
        var wrong = rows.Where(r => !Score(r).Ok).Select(r => r.GetProperty("rule").GetString()).ToList();
        output.WriteLine($"{rows.Count - wrong.Count}/{rows.Count} entropy/allowlist rows not found");
        Assert.Empty(wrong);
    }
}
