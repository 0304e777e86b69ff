using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>
/// Every planted value of ../shared/pcaps/catalog.json, pasted into a realistic Anthropic Messages prompt (serialised by
/// System.Text.Json, so newlines become \n and '+' becomes \u002B): found as a finding of its type, and no byte the
/// inspector wrote contains the value or its tail. Assertion messages name catalog ids only, never values.
/// </summary>
public class LeakTests
{
    /// <summary>Catalog types whose values carry no recognisable format on their own; tested in their real context below.</summary>
    private static readonly HashSet<string> s_contextOnly = new(StringComparer.Ordinal) { "postmark_server_token", "oauth_access_token", "oauth_refresh_token" };

    /// <summary>Catalog type -> acceptable finding types (a Copilot OAuth bearer is a JWT by format, a session key is Anthropic's).</summary>
    private static string[] Accepted(string type) => type switch
    {
        "oauth_access_token" => ["oauth_access_token", "jwt"],
        _ => [type],
    };

    private static List<(string Id, string Type, string Value)> Planted()
    {
        using var catalog = JsonDocument.Parse(File.ReadAllText(SharedInputs.Pcap("catalog.json")));
        return [.. catalog.RootElement.GetProperty("secrets").EnumerateArray()
            .Select(s => (s.GetProperty("id").GetString()!, s.GetProperty("type").GetString()!, s.GetProperty("value").GetString()!))];
    }

    private static string Prompt(string type, string value)
    {
        var label = type switch
        {
            "aws_secret_access_key" => "AWS_SECRET_ACCESS_KEY=",
            "aws_access_key_id" => "AWS_ACCESS_KEY_ID=",
            _ => "",
        };
        var body = new
        {
            model = "claude-sonnet-4-5",
            max_tokens = 1024,
            messages = new object[]
            {
                new { role = "user", content = $"Why does my deploy fail? Here is the config I use:\n\n{label}{value}\n\nThanks, it worked yesterday." },
            },
        };
        return JsonSerializer.Serialize(body);
    }

    [Fact]
    public void EveryPlantedValueInAPrompt_IsFoundAsItsType_AndNeverEchoed()
    {
        var planted = Planted();
        Assert.Equal(59, planted.Count);
        var missing = new List<string>();
        foreach (var (id, type, value) in planted)
        {
            var (inspector, recorder) = DetectorFixture.Inspector();
            var exchange = DetectorFixture.Exchange("api.anthropic.com");
            DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, Prompt(type, value), exchange, contentType: "application/json");
            var findings = DetectorFixture.Findings(recorder).ToList();
            if (!s_contextOnly.Contains(type) && !findings.Any(f => Accepted(type).Contains(f.Type)))
            {
                missing.Add($"{id} ({type}): found [{string.Join(",", findings.Select(f => f.Type))}]");
            }

            AssertNotEchoed(recorder, id, value);
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void ContextOnlyValues_AreFoundInTheirRealContext_AndNeverEchoed()
    {
        foreach (var (id, type, value) in Planted().Where(p => s_contextOnly.Contains(p.Type)))
        {
            var (inspector, recorder) = DetectorFixture.Inspector();
            if (type == "postmark_server_token")
            {
                // Pasted with its header name into a prompt (the header itself to api.postmarkapp.com is its own issuer).
                DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, JsonSerializer.Serialize(new { model = "gpt-4o", input = $"curl -H 'X-Postmark-Server-Token: {value}' https://api.postmarkapp.com/email" }),
                    DetectorFixture.Exchange("api.openai.com"));
            }
            else
            {
                // The token endpoint's answer (RFC 6749 5.1), as the MCP OAuth flow in o_mcp_auth_variants returns it.
                var field = type == "oauth_refresh_token" ? "refresh_token" : "access_token";
                DetectorFixture.Inspect(inspector, PayloadLocation.ResponseBody, $"{{\"token_type\":\"bearer\",\"{field}\":{JsonSerializer.Serialize(value)},\"expires_in\":3600}}",
                    DetectorFixture.Exchange("mcp.asana.com"), direction: Core.Streams.Direction.ToClient, contentType: "application/json");
            }

            // The whole value, not a part of it: an Asana-style token (2/<id>/<id>:<hex>) was once cut at its last ':'.
            var fingerprint = DetectorFixture.Formatter.Fingerprint(null, value);
            var findings = DetectorFixture.Findings(recorder).ToList();
            Assert.True(findings.Any(f => Accepted(type).Contains(f.Type) && f.Fingerprint == fingerprint),
                $"{id} ({type}) not found whole in context: [{string.Join(",", findings.Select(f => f.Type + " " + f.Redacted))}]");
            AssertNotEchoed(recorder, id, value);
        }
    }

    private static void AssertNotEchoed(EventRecorder recorder, string id, string value)
    {
        var output = DetectorFixture.AllOutput(recorder);
        var escaped = JsonSerializer.Serialize(value)[1..^1];
        var tail = value.Length > 12 ? value[8..] : value;
        Assert.False(output.Contains(value, StringComparison.Ordinal) || output.Contains(escaped, StringComparison.Ordinal) || output.Contains(tail, StringComparison.Ordinal),
            $"the value of {id} appears in the inspector's output");
        foreach (var finding in recorder.Of<FindingEvent>())
        {
            Assert.True(finding.Redacted is not null && finding.Redacted.Length <= FindingsLimits.MaxRedacted, $"{id}: redacted preview too long");
            Assert.StartsWith("hmac-sha256:", finding.Fingerprint, StringComparison.Ordinal);
        }
    }
}

internal static class FindingsLimits
{
    /// <summary>Longest redacted preview: a 40-char format prefix, the ellipsis and "(length)".</summary>
    public const int MaxRedacted = 40 + 1 + 8;
}
