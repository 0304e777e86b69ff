using System.Text.Json;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Detectors;
using Sensor.Detectors.Validators;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>Context, JSON unescaping, dedupe, third-party tokens and corporate markers, through the inspector's findings.</summary>
public class InspectorTests
{
    /// <summary>A GitHub token with a valid checksum, built here so no real-looking token sits in the source.</summary>
    internal static string GitHubToken(string prefix = "ghp")
    {
        const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var random = new string([.. Enumerable.Range(0, 30).Select(i => Base62[(i * 37 + 11) % 62])]);
        var crc = Crc32.Compute(random.AsSpan());
        var checksum = new char[6];
        for (var i = 5; i >= 0; i--)
        {
            checksum[i] = Base62[(int)(crc % 62)];
            crc /= 62;
        }

        return $"{prefix}_{random}{new string(checksum)}";
    }

    [Fact]
    public void GitHubToken_InItsIssuersAuthorizationHeader_IsNoFinding_ButTheHeaderIsRedacted()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        var exchange = DetectorFixture.Exchange("api.github.com");
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestHeader("authorization"), "Bearer " + GitHubToken(), exchange);
        Assert.Empty(DetectorFixture.Findings(recorder));
        Assert.True(exchange.IsRedacted("request-header:authorization"));
        Assert.Equal(1, inspector.OwnIssuerCredentials);
    }

    [Fact]
    public void GitHubToken_InAnAiPrompt_IsAFinding_WithPrefixAndLengthOnly()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        var token = GitHubToken();
        var body = JsonSerializer.Serialize(new { model = "claude-opus-4", messages = new[] { new { role = "user", content = $"my token is {token}, why 401?" } } });
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, body, DetectorFixture.Exchange("api.anthropic.com"), contentType: "application/json");
        var finding = Assert.Single(DetectorFixture.Findings(recorder));
        Assert.Equal(("github-ghp", "secret", "github_pat", "to_server", "request-body", "ghp_…(40)"), (finding.Detector, finding.Category, finding.Type, finding.Direction, finding.Location, finding.Redacted));
        Assert.Matches("^hmac-sha256:[0-9a-f]{64}$", finding.Fingerprint);
    }

    [Fact]
    public void GitHubToken_WithABadChecksum_IsNotAFinding()
    {
        var token = GitHubToken();
        var broken = token[..^1] + (token[^1] == 'a' ? 'b' : 'a');
        Assert.Contains(DetectorFixture.Matches(token), m => m.Type == "github_pat");
        Assert.DoesNotContain(DetectorFixture.Matches(broken), m => m.Type == "github_pat");
    }

    [Fact]
    public void SlackToken_ToSlack_IsOwnIssuer_ToAnotherHostHeader_IsAFinding()
    {
        const string Token = "xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1MBS";
        var (inspector, recorder) = DetectorFixture.Inspector();
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestHeader("authorization"), "Bearer " + Token, DetectorFixture.Exchange("slack.com"));
        Assert.Empty(DetectorFixture.Findings(recorder));
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestHeader("authorization"), "Bearer " + Token, DetectorFixture.Exchange("hooks.evil.example"));
        Assert.Equal("slack_bot_token", Assert.Single(DetectorFixture.Findings(recorder)).Type);
    }

    [Fact]
    public void SshKey_WithJsonNewlineEscapes_IsFoundInAJsonBody()
    {
        var key = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + string.Join("\n", Enumerable.Range(0, 6).Select(i => new string((char)('A' + i), 60) + "xyz0+/")) + "\n-----END OPENSSH PRIVATE KEY-----\n";
        var body = JsonSerializer.Serialize(new { jsonrpc = "2.0", method = "tools/call", @params = new { name = "add", arguments = new { a = 1, sidenote = key } } });
        Assert.Contains("\\n", body, StringComparison.Ordinal);
        Assert.Contains(DetectorFixture.Matches(body, json: true), m => m.Type == "ssh_private_key");

        // Without unescaping, the \n-escaped key is not a key: the JSON path is what finds it.
        Assert.DoesNotContain(DetectorFixture.Matches(body, json: false), m => m.Type == "ssh_private_key");
    }

    [Fact]
    public void JsonBody_IsRecognisedByItsFirstByte_WhenTheContentTypeIsMissing()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, "  {\"k\":\"AWS_SECRET_ACCESS_KEY=abcdEFGH1234\\u002Bijkl5678MNOPqrst9012uvwxYZ0\"}");
        Assert.Equal("aws_secret_access_key", Assert.Single(DetectorFixture.Findings(recorder)).Type);
    }

    [Fact]
    public void SameValueTwiceInABody_IsOneFindingWithCount2_AndTheSameBodyAgainOnTheSameExchangeAddsNothing()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        var exchange = DetectorFixture.Exchange("api.openai.com");
        const string Body = "{\"input\":\"mail alice@example.org, cc alice@example.org\"}";
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, Body, exchange);
        var finding = Assert.Single(DetectorFixture.Findings(recorder));
        Assert.Equal(("email", "pii", 2), (finding.Type, finding.Category, finding.Count));
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, Body, exchange);
        Assert.Single(DetectorFixture.Findings(recorder));
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, Body, new HttpExchange(exchange.Flow, "HTTP/1.1", 1) { Host = "api.openai.com" });
        Assert.Equal(2, DetectorFixture.Findings(recorder).Count());
    }

    [Fact]
    public void ThirdPartyTokens_InAnthropicMcpServersAndOpenAiTools_AreFindingsOfTheirOwn()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        var anthropic = JsonSerializer.Serialize(new
        {
            model = "claude-sonnet-4-5",
            messages = new[] { new { role = "user", content = "summarise my notion pages" } },
            mcp_servers = new[] { new { type = "url", url = "https://mcp.notion.com/mcp", name = "notion", authorization_token = "ntn_12345678901AbCdEfGhIjKlMnOpQrStUvWxYz012345678" } },
        });
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, anthropic, DetectorFixture.Exchange("api.anthropic.com"), contentType: "application/json");
        var openai = "{\"model\":\"gpt-4.1\",\"tools\":[{\"type\":\"web_search\"},{\"type\":\"mcp\",\"server_url\":\"https://mcp.example.com\",\"authorization\":\"opaque-token-value-123456\",\"headers\":{\"X-Api-Key\":\"another-opaque-value-7890\"}}],\"input\":\"hi\"}";
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, openai, DetectorFixture.Exchange("api.openai.com"), contentType: "application/json");

        var thirdParty = DetectorFixture.Findings(recorder).Where(f => f.Type == SecretInspector.ThirdPartyType).ToList();
        Assert.Equal(["mcp_servers[0].authorization_token", "tools[1].authorization", "tools[1].headers.X-Api-Key"], thirdParty.Select(f => f.Field));
        Assert.All(thirdParty, f => Assert.Equal(("secret", "request-body"), (f.Category, f.Location)));
        Assert.Equal("ntn_…(50)", thirdParty[0].Redacted);
        Assert.Equal("…(25)", thirdParty[1].Redacted);
        Assert.Contains(DetectorFixture.Findings(recorder), f => f.Type == "notion_token");
        Assert.DoesNotContain("opaque-token-value", DetectorFixture.AllOutput(recorder), StringComparison.Ordinal);
    }

    [Fact]
    public void ThirdPartyFields_OutsideAnAiRequest_AreNotThirdPartyFindings()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, "{\"tools\":[{\"authorization\":\"opaque-token-value-123456\"}]}", DetectorFixture.Exchange("intranet.example"));
        Assert.Empty(DetectorFixture.Findings(recorder));
    }

    [Fact]
    public void CorporateMarkers_FromConfig_AreFoundInBodies_NotInHeaders()
    {
        var pack = DetectorFixture.Load(new DetectorOptions { ClassificationLabels = ["CONFIDENTIAL", "Internal Only"], CodeNames = ["Bluebird"], CorporateDomains = ["acmecorp.com"] });
        var (inspector, recorder) = DetectorFixture.Inspector(pack);
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, "{\"input\":\"Summarise this confidential memo about project BLUEBIRD hosted on wiki.acmecorp.com (internal only)\"}", DetectorFixture.Exchange("api.openai.com"));
        var types = DetectorFixture.Findings(recorder).Select(f => (f.Type, f.Category)).Order().ToList();
        Assert.Equal([("classification_label", "corporate"), ("classification_label", "corporate"), ("corporate_domain", "corporate"), ("project_code_name", "corporate")], types);

        var (headerInspector, headerRecorder) = DetectorFixture.Inspector(pack);
        DetectorFixture.Inspect(headerInspector, PayloadLocation.RequestHeader("host"), "mail-mcp.acmecorp.com", DetectorFixture.Exchange("mail-mcp.acmecorp.com"));
        Assert.Empty(DetectorFixture.Findings(headerRecorder));

        // Whole words only: "Bluebirds" and "unconfidential" are not markers.
        Assert.Empty(DetectorFixture.Matches("Bluebirds are unconfidentially blue", pack: pack));
    }

    [Fact]
    public void AnalystsExtraRuleFile_AddsARule()
    {
        var path = Path.Combine(Path.GetTempPath(), $"extra-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"version":1,"rules":[{"id":"acme-internal-token","type":"acme_token","category":"secret","severity":"high","keywords":["acme_tok_"],"pattern":"acme_tok_[a-f0-9]{32}","boundary":"A-Za-z0-9_","prefix":"acme_tok_","max_length":41}]}""");
        try
        {
            var pack = DetectorFixture.Load(new DetectorOptions(), path);
            Assert.Equal("acme_token", Assert.Single(DetectorFixture.Matches("deploy with acme_tok_0123456789abcdef0123456789abcdef now", pack: pack)).Type);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ABadExtraRule_IsAnErrorNamingTheRule()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"version":1,"rules":[{"id":"lookahead","type":"x","keywords":["abc"],"pattern":"abc(?=def)"}]}""");
        try
        {
            var errors = new List<string>();
            Assert.Null(Sensor.Detectors.Rules.RulePack.Load([DetectorFixture.ShippedRules, path], new DetectorOptions(), errors));
            Assert.Contains(errors, e => e.Contains("rule lookahead", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TooManyDistinctValuesInOneItem_AreCappedWithAnAnomaly()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        var body = string.Join(" ", Enumerable.Range(0, 400).Select(i => $"user{i}@example.org"));
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, body, DetectorFixture.Exchange("api.openai.com"));
        Assert.Equal(Sensor.Detectors.Engine.DetectorEngine.MaxCandidatesPerItem, DetectorFixture.Findings(recorder).Count());
        Assert.Contains(recorder.Anomalies, a => a.Kind == AnomalyKind.DetectorItemFindingsCap);
    }

    [Fact]
    public void Dedupe_KeepsEveryFieldOfItsKey_LocationTypeAndValue()
    {
        // The key compares the fingerprint's MAC, not its text: another location, another value or another stream is a new finding.
        var (inspector, recorder) = DetectorFixture.Inspector();
        var exchange = DetectorFixture.Exchange("api.openai.com");
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, "{\"input\":\"mail alice@example.org\"}", exchange);
        DetectorFixture.Inspect(inspector, PayloadLocation.ResponseBody, "{\"input\":\"mail alice@example.org\"}", exchange, Direction.ToClient);
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, "{\"input\":\"mail alicf@example.org\"}", exchange);
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, "{\"input\":\"mail alice@example.org\"}", new HttpExchange(exchange.Flow, "HTTP/2", 0, streamId: 3) { Host = "api.openai.com" });
        DetectorFixture.Inspect(inspector, PayloadLocation.RequestBody, "{\"input\":\"again alicf@example.org and alice@example.org\"}", exchange);
        var findings = DetectorFixture.Findings(recorder).ToList();
        Assert.Equal(4, findings.Count);
        Assert.Equal(2, findings.Select(f => f.Fingerprint).Distinct().Count());
        Assert.All(findings, f => Assert.Matches("^hmac-sha256:[0-9a-f]{64}$", f.Fingerprint));
    }

    [Fact]
    public void ResponseDirection_IsToClient()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        DetectorFixture.Inspect(inspector, PayloadLocation.ResponseBody, "{\"text\":\"SSN 167-13-1140\"}", DetectorFixture.Exchange("mcp.example.com"), Direction.ToClient);
        Assert.Equal(("us_ssn", "to_client"), (Assert.Single(DetectorFixture.Findings(recorder)).Type, DetectorFixture.Findings(recorder).Single().Direction));
    }
}
