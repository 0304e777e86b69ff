using Sensor.Host.Configuration;

namespace Sensor.Tests.Tenancy;

/// <summary>The <c>tenants:</c> config section: what it reads, and errors that name file, line, column and key.</summary>
public sealed class TenantConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tenancy-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ValidSection_IsRead()
    {
        var sha = new string('a', 64);
        File.WriteAllBytes(Path.Combine(_directory, "model.zip"), [1]);
        var config = Load($"""
            tenants:
              corporate_domains: [AcmeCorp.com.]
              anthropic: {"{"} org_ids: [758d8427-ab75-4fcb-bee3-2126aac9ba9b] {"}"}
              openai:
                org_ids: [org-DEZBrU1aOF8oCpeM6lhfu0yT]
                project_ids: [proj_OIQDgV2rUb4H3TuzhBBRfVaj]
                workspace_ids: [c6d40587-fec2-4d3a-b1c9-01261346315d]
              github: {"{"} enterprise_ids: [acmecorp] {"}"}
              credentials:
                - {"{"} vendor: google, sha256: "{sha.ToUpperInvariant()}" {"}"}
              restriction_headers: {"{"} anthropic: Anthropic-Allowed-Org-Ids, openai/chatgpt-web: chatgpt-allowed-workspace-id {"}"}
              ml: {"{"} model: model.zip, threshold: 0.7 {"}"}
            """, out var errors);

        Assert.Empty(errors);
        var tenants = config!.Tenants;
        Assert.Equal(["acmecorp.com"], tenants.CorporateDomains);
        Assert.True(tenants.IdsFor("anthropic", "org_id")!.Contains("758d8427-ab75-4fcb-bee3-2126aac9ba9b"));
        Assert.True(tenants.IdsFor("openai", "workspace_id")!.Contains("c6d40587-fec2-4d3a-b1c9-01261346315d"));
        Assert.True(tenants.IdsFor("github", "enterprise_id")!.Contains("acmecorp"));
        Assert.Equal("google", tenants.Credentials[sha]);
        Assert.Equal("anthropic-allowed-org-ids", tenants.RestrictionHeaderFor("anthropic", "api"));
        Assert.Equal("chatgpt-allowed-workspace-id", tenants.RestrictionHeaderFor("openai", "chatgpt-web"));
        Assert.Null(tenants.RestrictionHeaderFor("openai", "api"));
        Assert.Equal((Path.Combine(_directory, "model.zip"), 0.7), (tenants.ModelPath, tenants.Threshold));
        Assert.True(tenants.IsCorporateHost("mail-mcp.acmecorp.com"));
        Assert.False(tenants.IsCorporateHost("notacmecorp.com"));
    }

    [Theory]
    [InlineData("tenants:\n  credentials:\n    - { vendor: google, sha256: \"sk-not-a-hash\" }\n", "3:33 tenants.credentials[0].sha256: expected the 64 hex digits")]
    [InlineData("tenants:\n  credentials:\n    - { sha256: \"" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + "\" }\n", "3:7 tenants.credentials[0].vendor: missing")]
    [InlineData("tenants:\n  anthropic: { org_id: [x] }\n", "2:16 tenants.anthropic.org_id: unknown key")]
    [InlineData("tenants:\n  anthropic: { org_ids: x }\n", "2:25 tenants.anthropic.org_ids: expected a list")]
    [InlineData("tenants:\n  Anthropic: { org_ids: [x] }\n", "2:3 tenants.Anthropic: unknown key")]
    [InlineData("tenants:\n  ml: { threshold: 1.5 }\n", "2:20 tenants.ml.threshold: expected a probability")]
    [InlineData("tenants:\n  ml: { model: missing.zip }\n", "2:16 tenants.ml.model: model file not found")]
    [InlineData("tenants:\n  restriction_headers: { anthropic: \"bad header\" }\n", "2:37 tenants.restriction_headers.anthropic: expected an HTTP header name")]
    [InlineData("tenants: [a]\n", "1:10 tenants: expected a mapping")]
    public void Errors_NameFileLineColumnAndKey(string yaml, string expected)
    {
        var config = Load(yaml, out var errors);

        Assert.Null(config);
        var error = Assert.Single(errors);
        Assert.StartsWith(Path.Combine(_directory, "sensor.yaml") + ":" + expected, error.ToString(), StringComparison.Ordinal);
    }

    private SensorConfig? Load(string yaml, out List<ConfigError> errors)
    {
        var path = Path.Combine(_directory, "sensor.yaml");
        File.WriteAllText(path, yaml);
        errors = [];
        return ConfigLoader.Load(path, errors);
    }
}
