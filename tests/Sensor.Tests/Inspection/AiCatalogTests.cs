using Sensor.Inspection.Catalog;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Inspection;

/// <summary>The shipped AI catalog (classifiers/catalog/ai-catalog.json) and extra catalog files from the config.</summary>
public sealed class AiCatalogTests : IDisposable
{
    private static readonly Lazy<AiCatalog> s_shipped = new(() => Load(SharedInputs.ShippedCatalog));

    private readonly string _directory = Directory.CreateTempSubdirectory("sensor-catalog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static AiCatalog Shipped => s_shipped.Value;

    [Theory]
    [InlineData("api.anthropic.com", "anthropic", "api", "ai-api")]
    [InlineData("API.Anthropic.COM.", "anthropic", "api", "ai-api")]      // case and a trailing dot do not matter
    [InlineData("claude.ai", "anthropic", "claude-web", "ai-web")]
    [InlineData("api.openai.com", "openai", "api", "ai-api")]
    [InlineData("mcp.notion.com", "notion", "mcp", "mcp")]
    [InlineData("api.githubcopilot.com", "github-copilot", "copilot-api", "ai-api+mcp")]
    [InlineData("mcp-server.egnyte.com", "egnyte", "mcp", "mcp")]        // exact, although mcp-*.* also matches
    public void ExactHosts(string host, string vendor, string service, string kind)
    {
        var entry = Shipped.Lookup(host);
        Assert.Equal((vendor, service, kind), (entry?.Vendor, entry?.Service, entry?.Kind));
    }

    [Theory]
    [InlineData("foo.claude.ai", "anthropic", "claude-web")]             // *.claude.ai
    [InlineData("a.b.chatgpt.com", "openai", "chatgpt-web")]             // '*.' covers any depth
    [InlineData("myres.openai.azure.com", "azure-openai", "api")]
    [InlineData("eu.mcp.claude.com", "anthropic", "mcp-proxy")]
    public void SubdomainWildcards(string host, string vendor, string service)
    {
        var entry = Shipped.Lookup(host);
        Assert.Equal((vendor, service), (entry?.Vendor, entry?.Service));
    }

    [Theory]
    [InlineData("chatgpt.example.com")]
    [InlineData("claude.ai.evil.com")]
    [InlineData("notclaude.ai")]
    [InlineData("openai.azure.com")] // '*.' needs at least one label
    public void SubdomainWildcards_DoNotMatchLookAlikes(string host)
    {
        Assert.Null(Shipped.Lookup(host));
    }

    [Theory]
    [InlineData("bedrock-runtime.us-east-1.amazonaws.com", "aws-bedrock", "runtime")]
    [InlineData("bedrock-agent-runtime.eu-west-3.amazonaws.com", "aws-bedrock", "runtime")]
    [InlineData("us-central1-aiplatform.googleapis.com", "google", "vertex-ai")]
    [InlineData("aiplatform.googleapis.com", "google", "vertex-ai")]
    [InlineData("aws-external-anthropic.us-east-1.api.aws", "anthropic", "api")]
    public void LabelWildcards(string host, string vendor, string service)
    {
        var entry = Shipped.Lookup(host);
        Assert.Equal((vendor, service), (entry?.Vendor, entry?.Service));
    }

    [Theory]
    [InlineData("bedrock-runtime.us-east-1.extra.amazonaws.com")] // a '*' inside the name is one label
    [InlineData("bedrock-runtime.us-east-1.amazonaws.com.evil.net")]
    [InlineData("bedrock-runtime..amazonaws.com")] // an empty label is no label: a lone '*' needs one character
    [InlineData("x.us-central1-aiplatform.googleapis.com")]
    public void LabelWildcards_StayWithinOneLabel(string host)
    {
        Assert.Null(Shipped.Lookup(host));
    }

    [Theory]
    [InlineData("api.individual.githubcopilot.com", "copilot-plan-api")] // exact beats *.githubcopilot.com
    [InlineData("proxy.enterprise.githubcopilot.com", "copilot-plan-api")]
    [InlineData("api.githubcopilot.com", "copilot-api")]
    public void ExactBeatsWildcard(string host, string service)
    {
        Assert.Equal(service, Shipped.Lookup(host)?.Service);
    }

    [Fact]
    public void MostSpecificPattern_Wins_WhateverTheFileOrder()
    {
        var general = Write("general.json", """{"vendors": [{"id": "general", "services": [{"id": "s", "kind": "ai-api", "hosts": ["*.example.ai"]}]}]}""");
        var specific = Write("specific.json", """{"vendors": [{"id": "specific", "services": [{"id": "s", "kind": "ai-api", "hosts": ["*.eu.example.ai", "*-gpu.example.ai"]}]}]}""");

        foreach (var order in new[] { new[] { general, specific }, [specific, general] })
        {
            var catalog = Load(order);
            Assert.Equal("specific", catalog.Lookup("x.eu.example.ai")?.Vendor);
            Assert.Equal("specific", catalog.Lookup("a100-gpu.example.ai")?.Vendor);
            Assert.Equal("general", catalog.Lookup("x.us.example.ai")?.Vendor);
        }
    }

    [Theory]
    [InlineData("mcp.acme-internal.dev")]        // mcp.*
    [InlineData("mail-mcp.corp.example")]        // *-mcp.*
    [InlineData("mcp-gateway.example.org")]      // mcp-*.*
    [InlineData("devbox-mcp.acmecorp.com")]
    public void GenericMcpNames_AreMcpOfAnUnknownVendor(string host)
    {
        var entry = Shipped.Lookup(host);
        Assert.NotNull(entry);
        Assert.Equal(("unknown", "mcp", true, true), (entry!.Vendor, entry.Kind, entry.IsMcp, entry.IsAiSession));
    }

    [Theory]
    [InlineData("notmcp.example.com")]
    [InlineData("mcpx.example.com")]
    [InlineData("wiki.intranet.acmecorp.com")]
    public void NamesThatOnlyContainMcp_AreNotMcp(string host)
    {
        Assert.Null(Shipped.Lookup(host));
    }

    [Theory]
    [InlineData("bigquery.googleapis.com")]      // only bigquery.googleapis.com/mcp is listed
    [InlineData("gitlab.com")]                   // only gitlab.com/api/v4/mcp
    [InlineData("learn.microsoft.com")]
    public void HostPlusPathEntries_AreNotMatchedByTheHostAlone(string host)
    {
        Assert.Null(Shipped.Lookup(host));
    }

    [Fact]
    public void TelemetryHosts_AreKnown_ButNotAiSessions()
    {
        var entry = Shipped.Lookup("statsig.anthropic.com");
        Assert.Equal(("anthropic", CatalogEntry.KindTelemetry, false), (entry?.Vendor, entry?.Kind, entry?.IsAiSession));
    }

    [Theory]
    [InlineData("api.individual.githubcopilot.com", "personal", "individual")]
    [InlineData("api.business.githubcopilot.com", "enterprise", "business")]
    [InlineData("API.Enterprise.githubcopilot.com.", "enterprise", "enterprise")]
    public void TenantHints_ForCopilotPlanHosts(string host, string tenant, string plan)
    {
        var hint = Shipped.TenantHintFor(host);
        Assert.Equal(("github-copilot", tenant, "sni:copilot-plan", plan), (hint?.Vendor, hint?.Tenant, hint?.Basis, hint?.Plan));
        Assert.Null(Shipped.TenantHintFor("api.githubcopilot.com"));
    }

    [Theory]
    [InlineData("t13d5911h1_a33745022dd6_1f22a2ca17c4", "Node.js (undici fetch, OpenSSL 3)")]
    [InlineData("t13d3112h2_e8f1e7e78f70_b26ce05bbdd6", "curl (OpenSSL 3)")]
    [InlineData("t12d2807h1_d943125447b4_a44c6288192a", "curl (OpenSSL 3, TLS 1.2 only)")]
    public void ClientHints_ByJa4(string ja4, string client)
    {
        Assert.Equal(client, Shipped.ClientForJa4(ja4)?.Client);
        Assert.Null(Shipped.ClientForJa4(ja4.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("claude-cli/2.1.3 (external, cli)", "Claude Code")]
    [InlineData("Anthropic/JS 0.54.0", "Anthropic TypeScript SDK")]
    [InlineData("curl/7.88.1", "curl")]
    [InlineData("CURL/8.0", "curl")]
    [InlineData("GitHubCopilotChat/0.31.0", "GitHub Copilot Chat (VS Code)")]
    [InlineData("node", "Node.js")]
    public void ClientHints_ByUserAgentPrefix(string userAgent, string client)
    {
        Assert.Equal(client, Shipped.ClientForUserAgent(userAgent)?.Client);
    }

    [Fact]
    public void ClientHints_UnknownUserAgent_IsNull()
    {
        Assert.Null(Shipped.ClientForUserAgent("Mozilla/5.0"));
    }

    [Theory]
    [InlineData("dns.google", true)]
    [InlineData("cloudflare-dns.com.", true)]
    [InlineData("DNS.Quad9.net", true)]
    [InlineData("dns.example.com", false)]
    [InlineData("api.anthropic.com", false)]
    public void DohResolvers(string host, bool expected)
    {
        Assert.Equal(expected, Shipped.IsDohResolver(host));
    }

    [Fact]
    public void ShippedCatalog_HasItsVersionAndVendors()
    {
        Assert.Equal(["2026.11.24-1"], Shipped.Versions);
        Assert.True(Shipped.VendorCount >= 60, $"{Shipped.VendorCount} vendors");
    }

    [Fact]
    public void ExtraFile_ExtendsTheShippedCatalog_AndOverridesAnExactHost()
    {
        var extra = Write("extra.json", """
            // an analyst's additions (comments and trailing commas are allowed)
            {
              "version": "local-3",
              "vendors": [
                {"id": "acme-llm", "name": "ACME LLM", "services": [{"id": "gateway", "kind": "ai-api", "hosts": ["llm.acme.internal", "*.llm.acme.internal"]}]},
                {"id": "anthropic-proxy", "services": [{"id": "relay", "kind": "ai-api", "hosts": ["api.anthropic.com"]}]},
              ],
              "generic_mcp_hosts": {"patterns": ["*.tools.acme.internal"]},
              "tenant_hints": [{"host": "llm.acme.internal", "vendor": "acme-llm", "tenant": "enterprise", "basis": "sni:acme-gateway"}],
              "clients": [{"ja4": "t13d0000h2_000000000000_000000000000", "client": "ACME agent", "kind": "cli"}],
              "doh_resolvers": ["doh.acme.internal"],
            }
            """);

        var catalog = Load(SharedInputs.ShippedCatalog, extra);

        Assert.Equal(["2026.11.24-1", "local-3"], catalog.Versions);
        Assert.Equal(Shipped.VendorCount + 2, catalog.VendorCount);
        Assert.Equal(("acme-llm", "ACME LLM"), (catalog.Lookup("llm.acme.internal")?.Vendor, catalog.Lookup("llm.acme.internal")?.VendorName));
        Assert.Equal("acme-llm", catalog.Lookup("eu.llm.acme.internal")?.Vendor);
        Assert.Equal(("anthropic-proxy", "anthropic-proxy"), (catalog.Lookup("api.anthropic.com")?.Vendor, catalog.Lookup("api.anthropic.com")?.VendorName));
        Assert.Equal("anthropic", catalog.Lookup("claude.ai")?.Vendor); // the rest of the shipped entries stay
        Assert.Equal("unknown", catalog.Lookup("crm.tools.acme.internal")?.Vendor);
        Assert.Equal("unknown", catalog.Lookup("mcp.example.dev")?.Vendor);  // the shipped generic patterns stay too
        Assert.Equal("enterprise", catalog.TenantHintFor("llm.acme.internal")?.Tenant);
        Assert.Equal("ACME agent", catalog.ClientForJa4("t13d0000h2_000000000000_000000000000")?.Client);
        Assert.True(catalog.IsDohResolver("doh.acme.internal"));
        Assert.True(catalog.IsDohResolver("dns.google"));
    }

    public static TheoryData<string, string> MalformedCatalogs => new()
    {
        { "not JSON", "{ vendors: [" },
        { "a list, not an object", "[1, 2, 3]" },
        { "a vendor without id", """{"vendors": [{"services": []}]}""" },
        { "a service without kind", """{"vendors": [{"id": "v", "services": [{"id": "s", "hosts": ["a.example"]}]}]}""" },
        { "a host that is a number", """{"vendors": [{"id": "v", "services": [{"id": "s", "kind": "ai-api", "hosts": [42]}]}]}""" },
        { "a host that is null", """{"vendors": [{"id": "v", "services": [{"id": "s", "kind": "ai-api", "hosts": [null]}]}]}""" },
        { "a vendor id that is null", """{"vendors": [{"id": null, "services": [{"id": "s", "kind": "ai-api", "hosts": ["a.example"]}]}]}""" },
        { "a tenant hint without tenant", """{"tenant_hints": [{"host": "a.example", "vendor": "v", "basis": "b"}]}""" },
        { "a tenant hint host that is null", """{"tenant_hints": [{"host": null, "vendor": "v", "tenant": "personal", "basis": "b"}]}""" },
        { "a client JA4 that is a number", """{"clients": [{"ja4": 7, "client": "c"}]}""" },
        { "a generic MCP pattern that is null", """{"generic_mcp_hosts": {"patterns": [null]}}""" },
        { "a DoH resolver that is an object", """{"doh_resolvers": [{"host": "dns.example"}]}""" },
        { "a version that is a number", """{"version": 3}""" },
        { "an empty host", """{"vendors": [{"id": "v", "services": [{"id": "s", "kind": "ai-api", "hosts": [""]}]}]}""" },
        { "a vendor that is a string", """{"vendors": ["anthropic"]}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedCatalogs))]
    public void MalformedCatalogFile_IsAnError_NotAnException(string why, string json)
    {
        var path = Write("bad.json", json);
        var errors = new List<string>();

        var catalog = AiCatalog.Load([path], errors);

        Assert.True(catalog is null, why);
        Assert.True(errors.Count == 1, $"{why}: {string.Join("; ", errors)}");
        Assert.StartsWith(path + ": ", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedExtraFile_AfterTheShippedOne_IsReportedAlone()
    {
        var path = Write("extra.json", """{"vendors": [{"id": "v", "services": [{"id": "s", "kind": "ai-api", "hosts": [null]}]}]}""");
        var errors = new List<string>();

        Assert.Null(AiCatalog.Load([SharedInputs.ShippedCatalog, path], errors));
        Assert.Equal([path + ": vendor v service s hosts[] must be a non-empty string, not Null"], errors);
    }

    [Fact]
    public void MissingCatalogFile_IsAnError()
    {
        var errors = new List<string>();
        Assert.Null(AiCatalog.Load([Path.Combine(_directory, "absent.json")], errors));
        Assert.Single(errors);
    }

    private static AiCatalog Load(params string[] paths)
    {
        var errors = new List<string>();
        var catalog = AiCatalog.Load(paths, errors);
        Assert.True(catalog is not null, string.Join("; ", errors));
        return catalog!;
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, json);
        return path;
    }
}
