using Sensor.Host.Configuration;

namespace Sensor.Tests.Threats;

/// <summary>The <c>threats</c> config section: lists or single strings, unknown keys and wrong shapes are errors.</summary>
public class ThreatConfigTests
{
    [Fact]
    public void ThreatsSection_ReadsDomainsAllowlistAndStateDir()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "sensor.yaml");
        File.WriteAllText(path, "threats:\n  corporate_domains: [acmecorp.com, acme.example]\n  mcp_allowlist: mcp.internal.example\n  state_dir: /var/lib/sensor\n");

        var errors = new List<ConfigError>();
        var config = ConfigLoader.Load(path, errors);

        Assert.Empty(errors);
        Assert.Equal(["acmecorp.com", "acme.example"], config!.Threats.CorporateDomains);
        Assert.Equal(["mcp.internal.example"], config.Threats.AllowedServers);
        Assert.Equal("/var/lib/sensor", config.Threats.StateDirectory);
    }

    [Theory]
    [InlineData("threats:\n  corporate_domain: acmecorp.com\n", "threats.corporate_domain")]
    [InlineData("threats:\n  corporate_domains: {a: b}\n", "threats.corporate_domains")]
    public void ThreatsSection_MistakesAreErrors(string yaml, string key)
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "sensor.yaml");
        File.WriteAllText(path, yaml);

        var errors = new List<ConfigError>();
        Assert.Null(ConfigLoader.Load(path, errors));
        Assert.Contains(errors, e => e.Key == key);
    }
}
