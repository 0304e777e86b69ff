using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Tenancy.Configuration;
using Sensor.Tenancy.Sessions;
using Sensor.Tests.TestSupport;
using static Sensor.Tests.Tenancy.TenancyTestData;

namespace Sensor.Tests.Tenancy;

/// <summary>Explicit attribution per vendor: requests go through the observer as the HTTP sessions call it, the session is decided at its end.</summary>
public sealed class ExplicitAttributionTests
{
    private readonly EventRecorder _events = new();

    [Theory]
    [InlineData(AnthropicOrg, "enterprise")]
    [InlineData(AnthropicPersonalOrg, "personal")]
    public void Anthropic_OrganizationHeader_MatchesTheConfig_OrNamesAnotherTenant(string org, string expected)
    {
        var attribution = new TenantAttribution(Policy);
        var flow = Flow();
        var exchange = Exchange(flow, "api.anthropic.com");
        exchange.Evidence.Add(new TenantEvidence("anthropic", "response-header:anthropic-organization-id", "org_id", org));

        var session = Run(attribution, flow, "anthropic", "api", "api.anthropic.com", exchange);

        Assert.Equal((expected, org, 1.0), (exchange.TenantVerdict!.Tenant, exchange.TenantVerdict.TenantId, exchange.TenantVerdict.Confidence));
        Assert.Equal((expected, org), (session.Verdict.Tenant, session.Verdict.TenantId));
        Assert.Equal(["response-header:anthropic-organization-id"], session.Verdict.Basis);
    }

    [Fact]
    public void ClaudeCodeSubscription_PlanDecides_WhenNoOrgIdIsConfigured()
    {
        var policy = Policy with { Ids = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>>() };
        var flow = Flow();
        var profile = Exchange(flow, "api.anthropic.com");
        profile.Credential = Credential("sk-ant-oat01-made-up-for-this-test", "oauth_subscription", "request-header:authorization");
        profile.Evidence.Add(new TenantEvidence("anthropic", "response-body:organization.organization_type", "plan", "claude_max"));

        var session = Run(new TenantAttribution(policy with { Credentials = new Dictionary<string, string>() }), flow, "anthropic", "api", "api.anthropic.com", profile);

        Assert.Equal(("personal", "response-body:organization.organization_type"), (session.Verdict.Tenant, session.Verdict.Basis.Single()));
    }

    [Fact]
    public void OpenAi_OrganizationMatchOutweighsAProjectMismatch_AndAProjectAloneDecides()
    {
        var flow = Flow();
        var both = Exchange(flow, "api.openai.com");
        both.Evidence.Add(new TenantEvidence("openai", "response-header:openai-project", "project_id", "proj_other"));
        both.Evidence.Add(new TenantEvidence("openai", "response-header:openai-organization", "org_id", OpenAiOrg));
        both.Evidence.Add(new TenantEvidence("openai", "request-header:openai-organization", "org_id", OpenAiOrg));
        var projectOnly = Exchange(flow, "api.openai.com", 1);
        projectOnly.Evidence.Add(new TenantEvidence("openai", "response-header:openai-project", "project_id", OpenAiProject));

        var session = Run(new TenantAttribution(Policy), flow, "openai", "api", "api.openai.com", both, projectOnly);

        Assert.Equal("enterprise", both.TenantVerdict!.Tenant);
        Assert.Equal(["response-header:openai-organization", "request-header:openai-organization"], both.TenantVerdict.Basis);
        Assert.Equal(("enterprise", OpenAiProject), (projectOnly.TenantVerdict!.Tenant, projectOnly.TenantVerdict.TenantId));
        Assert.Equal("enterprise", session.Verdict.Tenant);
    }

    [Theory]
    [InlineData(ChatGptWorkspace, "enterprise")]
    [InlineData("caafad9b-0106-4f43-bfbe-2081b956743b", "personal")]
    public void ChatGpt_AccountIdHeader_IsComparedWithTheWorkspaces(string workspace, string expected)
    {
        var flow = Flow();
        var exchange = Exchange(flow, "chatgpt.com");
        exchange.Evidence.Add(new TenantEvidence("openai", "request-header:chatgpt-account-id", "account_id", workspace));

        var session = Run(new TenantAttribution(Policy), flow, "openai", "chatgpt-web", "chatgpt.com", exchange);

        Assert.Equal(expected, session.Verdict.Tenant);
    }

    [Theory]
    [InlineData(SanctionedGeminiKey, "enterprise", "credential:sanctioned")]
    [InlineData(PersonalGeminiKey, "personal", "credential:unsanctioned")]
    public void Gemini_OnlyTheCredentialIdentifiesTheTenant(string key, string expected, string basis)
    {
        var flow = Flow();
        var exchange = Exchange(flow, "generativelanguage.googleapis.com");
        exchange.Credential = Credential(key, location: "request-header:x-goog-api-key");

        var session = Run(new TenantAttribution(Policy), flow, "google", "gemini-api", "generativelanguage.googleapis.com", exchange);

        Assert.Equal((expected, basis), (session.Verdict.Tenant, session.Verdict.Basis.Single()));
    }

    [Fact]
    public void Copilot_PlanHostEvidence_AndTheSpanHintWhenNoPayloadIsVisible()
    {
        var flow = Flow();
        var exchange = Exchange(flow, "api.github.com");
        exchange.Evidence.Add(new TenantEvidence("github-copilot", "response-body:endpoints.api (copilot plan host)", "plan_host", "api.individual.githubcopilot.com"));
        var decrypted = Run(new TenantAttribution(Policy with { Credentials = new Dictionary<string, string>() }), flow, "github-copilot", "copilot-plan-api", "api.github.com", exchange);

        var opaqueFlow = Flow(2);
        var facts = Facts(opaqueFlow, "github-copilot", "copilot-plan-api", "api.enterprise.githubcopilot.com") with
        {
            Hint = new TenantVerdict("enterprise", null, ["sni:copilot-plan"], 1.0),
        };
        var opaque = new TenantAttribution(Policy).Decide(facts, _events);

        Assert.Equal("personal", decrypted.Verdict.Tenant);
        Assert.Equal(("enterprise", "sni:copilot-plan"), (opaque.Verdict.Tenant, opaque.Verdict.Basis.Single()));
    }

    [Fact]
    public void GitHub_EnterpriseIdFromTheConfigSectionNamedGithub_AppliesToCopilot()
    {
        var flow = Flow();
        var exchange = Exchange(flow, "api.githubcopilot.com");
        exchange.Evidence.Add(new TenantEvidence("github-copilot", "response-header:x-github-enterprise", "enterprise_id", "acmecorp"));

        var session = Run(new TenantAttribution(Policy), flow, "github-copilot", "copilot", "api.githubcopilot.com", exchange);

        Assert.Equal(("enterprise", "acmecorp"), (session.Verdict.Tenant, session.Verdict.TenantId));
    }

    [Fact]
    public void TenantRestrictionRefusal_IsPersonal_AndACorporateMcpHostIsEnterprise()
    {
        var flow = Flow();
        var blocked = Exchange(flow, "claude.ai", status: 403);
        blocked.RequestHeaders.Add(new HttpHeader("anthropic-allowed-org-ids", AnthropicOrg));
        var policy = Policy with { Credentials = new Dictionary<string, string>() };
        var refused = Run(new TenantAttribution(policy), flow, "anthropic", "claude-web", "claude.ai", blocked);

        var mcpFlow = Flow(2, "127.11.1.120");
        var mcp = Exchange(mcpFlow, "mail-mcp.acmecorp.com");
        mcp.Credential = Credential("eyJhbGciOiJSUzI1NiJ9.made-up", "jwt", "request-header:authorization");
        var corporate = Run(new TenantAttribution(Policy), mcpFlow, "acmecorp", "mcp", "mail-mcp.acmecorp.com", mcp);

        Assert.Equal(("personal", "tenant-restriction:blocked"), (refused.Verdict.Tenant, refused.Verdict.Basis.Single()));
        Assert.Equal(("enterprise", "host:corporate-domain"), (corporate.Verdict.Tenant, corporate.Verdict.Basis.Single()));
    }

    [Fact]
    public void NoEvidence_IsUnknown_WithoutBasisOrConfidence()
    {
        var flow = Flow();
        var exchange = Exchange(flow, "mcp.mailhub-tools.dev");

        var session = Run(new TenantAttribution(TenantPolicy.Empty), flow, "unknown", "mcp", "mcp.mailhub-tools.dev", exchange);

        Assert.Equal(TenantVerdict.None, exchange.TenantVerdict);
        Assert.Equal(("unknown", null, 0, (double?)null), (session.Verdict.Tenant, session.Verdict.TenantId, session.Verdict.Basis.Count, session.Verdict.Confidence));
        Assert.Equal(1, session.RequestTenants["unknown"]);
    }

    [Fact]
    public void KeepAliveConnectionWithSeveralTenants_GetsPerRequestVerdicts_AndIsMixed()
    {
        var flow = Flow();
        var requests = new[] { AnthropicOrg, AnthropicPersonalOrg, "dc4fb556-4d3a-44dd-a4eb-a800a8e34b7c" }.Select((org, i) =>
        {
            var exchange = Exchange(flow, "api.anthropic.com", i);
            exchange.Evidence.Add(new TenantEvidence("anthropic", "response-header:anthropic-organization-id", "org_id", org));
            return exchange;
        }).ToArray();

        var session = Run(new TenantAttribution(Policy), flow, "anthropic", "api", "api.anthropic.com", requests);

        Assert.Equal(["enterprise", "personal", "personal"], requests.Select(r => r.TenantVerdict!.Tenant));
        Assert.Equal("mixed", session.Verdict.Tenant);
        Assert.Equal((1, 2), (session.RequestTenants["enterprise"], session.RequestTenants["personal"]));
        Assert.Equal(3, session.TenantIds.Count);
    }

    [Fact]
    public void PolicyFindings_PersonalUse_UnsanctionedCredentialWithoutItsValue_AndRestrictionBypass()
    {
        var flow = Flow();
        var exchange = Exchange(flow, "api.anthropic.com");
        const string Key = "sk-ant-api03-ThisIsAMadeUpKeyForTheTest-0000000000";
        exchange.Credential = Credential(Key);
        exchange.Evidence.Add(new TenantEvidence("anthropic", "response-header:anthropic-organization-id", "org_id", AnthropicPersonalOrg));

        Run(new TenantAttribution(Policy), flow, "anthropic", "api", "api.anthropic.com", exchange);

        var findings = _events.Of<FindingEvent>().ToList();
        Assert.Equal(["personal_tenant_ai_use", "unsanctioned_credential", "tenant_restriction_bypass"], findings.Select(f => f.Type));
        Assert.All(findings, f => Assert.Equal(("tenant", "tenant-policy"), (f.Category, f.Detector)));
        Assert.Equal("sk-ant-api03…", findings[1].Redacted);
        Assert.Equal("request-header:anthropic-allowed-org-ids", findings[2].Location);
        var written = string.Join("\n", findings.Select(EveJson));
        Assert.DoesNotContain(Key, written, StringComparison.Ordinal);
        Assert.DoesNotContain(Sha256(Key), written, StringComparison.Ordinal);
    }

    [Fact]
    public void RestrictionHeaderPresent_IsNoBypass()
    {
        var flow = Flow();
        var exchange = Exchange(flow, "api.anthropic.com");
        exchange.RequestHeaders.Add(new HttpHeader("anthropic-allowed-org-ids", AnthropicOrg));
        exchange.Evidence.Add(new TenantEvidence("anthropic", "response-header:anthropic-organization-id", "org_id", AnthropicOrg));

        Run(new TenantAttribution(Policy), flow, "anthropic", "api", "api.anthropic.com", exchange);

        Assert.Empty(_events.Of<FindingEvent>());
    }

    [Fact]
    public void StateOfAFlowThatEnds_WithoutBeingAnAiSession_IsForgotten()
    {
        var attribution = new TenantAttribution(Policy);
        var exchange = Exchange(Flow(7), "wiki.intranet.acmecorp.com");
        attribution.OnRequestHeaders(exchange);
        attribution.OnResponseComplete(exchange, ended: true);
        Assert.Equal(1, attribution.TrackedFlows);

        attribution.Forget(7);

        Assert.Equal(0, attribution.TrackedFlows);
    }

    private SessionTenancy Run(TenantAttribution attribution, FlowIdentity flow, string vendor, string service, string host, params HttpExchange[] exchanges)
    {
        IHttpObserver observer = attribution;
        foreach (var exchange in exchanges)
        {
            observer.OnRequestHeaders(exchange);
            observer.OnRequestComplete(exchange);
            observer.OnResponseHeaders(exchange);
            observer.OnResponseComplete(exchange, ended: true);
        }

        return attribution.Decide(Facts(flow, vendor, service, host), _events);
    }

    private static string EveJson(SensorEvent sensorEvent)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            sensorEvent.WriteBody(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
