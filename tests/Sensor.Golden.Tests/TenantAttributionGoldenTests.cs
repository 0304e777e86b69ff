using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// Tenant verdicts of the sensor CLI on the shared captures, with a tenant config built from catalog.json
/// (the enterprise tenants' ids, and the SHA-256 of their keys and tokens as sanctioned credentials).
/// </summary>
public sealed class TenantAttributionGoldenTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void CopilotPlanHosts_AreDecidedFromTheSni_AndOpaqueFlowsStayUnknown()
    {
        var config = WriteConfig();
        var checkedFlows = 0;
        foreach (var scenario in new[] { "r_copilot_plan_hosts", "k_opaque_no_keys" })
        {
            var run = SensorCli.Run("analyze", "--quiet", "--config", config, "--keylog", Repo.Pcap(scenario + ".keys.log"), Repo.Pcap(scenario + ".pcap"));
            Assert.Equal(0, run.ExitCode);
            var ai = run.OfType("ai").ToDictionary(FiveTuple);
            foreach (var flow in Flows(scenario).Where(f => f.GetProperty("is_ai").GetBoolean() || f.GetProperty("is_mcp").GetBoolean()))
            {
                var tuple = flow.GetProperty("five_tuple").GetString()!;
                var host = flow.GetProperty("host").GetString()!;
                Assert.True(ai.TryGetValue(tuple, out var aiEvent), $"no ai event for {tuple} ({host})");
                // Without payload, only the Copilot plan host in the SNI shows a tenant.
                var expected = host.EndsWith(".githubcopilot.com", StringComparison.Ordinal) && host != "api.githubcopilot.com" ? flow.GetProperty("tenant").GetString() : "unknown";
                Assert.True(expected == aiEvent.String("ai.tenant"), $"{scenario} {tuple} ({host}): expected {expected}, got {aiEvent.Line}");
                checkedFlows++;
            }
        }

        Assert.Equal(8, checkedFlows); // 3 Copilot plan hosts + 5 opaque AI/MCP flows
    }

    [Fact]
    public void EveryLabelledFlow_GetsItsTenant_AndMixedFlowsPerRequestVerdicts()
    {
        var config = WriteConfig();
        foreach (var labels in Directory.GetFiles(Repo.Pcaps, "*.labels.json").Where(p => Path.GetFileName(p) != "labels.json"))
        {
            var scenario = Path.GetFileName(labels)[..^".labels.json".Length];
            var run = SensorCli.Run("analyze", "--quiet", "--config", config, "--keylog", Repo.Pcap(scenario + ".keys.log"), Repo.Pcap(scenario + ".pcap"));
            var ai = run.OfType("ai").ToDictionary(FiveTuple);
            var http = run.OfType("http").ToLookup(FiveTuple);
            foreach (var flow in Flows(scenario).Where(f => f.GetProperty("is_ai").GetBoolean() || f.GetProperty("is_mcp").GetBoolean()))
            {
                var tuple = flow.GetProperty("five_tuple").GetString()!;
                var tenant = flow.GetProperty("tenant").GetString();
                var visible = flow.GetProperty("payload_visible").GetBoolean();
                var expected = tenant is "enterprise" or "personal" or "mixed" && (visible || flow.GetProperty("tenant_evidence").EnumerateArray().Any(e => e.GetString() == "sni:copilot-plan")) ? tenant : "unknown";
                Assert.True(expected == ai[tuple].String("ai.tenant"), $"{scenario} {tuple}: expected {expected}, got {ai[tuple].Line}");
                if (tenant == "mixed")
                {
                    var requestTenants = flow.GetProperty("requests").EnumerateArray().Select(r => r.GetProperty("tenant").GetString()).ToList();
                    Assert.Equal(requestTenants, http[tuple].Select(h => h.String("http.tenant.verdict")).ToList());
                }
            }
        }
    }

    /// <summary>The tenant config an administrator of the captures' company would write (YAML, built from catalog.json).</summary>
    private string WriteConfig()
    {
        using var catalog = JsonDocument.Parse(File.ReadAllBytes(Repo.Pcap("catalog.json")));
        var root = catalog.RootElement;
        var ids = new SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        var credentials = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tenant in root.GetProperty("tenants").EnumerateObject().Select(t => t.Value).Where(t => t.GetProperty("tenant").GetString() == "enterprise"))
        {
            var vendor = tenant.GetProperty("vendor").GetString()!;
            var section = vendor switch { "github-copilot" or "github" => "github", "none" => null, _ => vendor };
            if (section is not null && tenant.GetProperty("org_id").GetString() is { } org)
            {
                var kind = section switch
                {
                    "github" => "enterprise_ids",
                    "openai" when !org.StartsWith("org-", StringComparison.Ordinal) => "workspace_ids",
                    _ => "org_ids",
                };
                Add(ids, section, kind, org);
                if (tenant.TryGetProperty("project_id", out var project) && project.GetString() is { } projectId)
                {
                    Add(ids, section, "project_ids", projectId);
                }
            }

            foreach (var key in new[] { "api_key", "session_key", "access_token", "token", "oauth_token", "copilot_token" })
            {
                if (tenant.TryGetProperty(key, out var value) && value.GetString() is { } secret)
                {
                    credentials.Add($"    - {{ vendor: {(vendor == "none" ? "acmecorp" : vendor)}, sha256: \"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))}\" }}");
                }
            }
        }

        var yaml = new StringBuilder("tenants:\n");
        yaml.Append("  corporate_domains: [").Append(root.GetProperty("corp_domain").GetString()).Append("]\n");
        foreach (var (vendor, kinds) in ids)
        {
            yaml.Append("  ").Append(vendor).Append(":\n");
            foreach (var (kind, values) in kinds)
            {
                yaml.Append("    ").Append(kind).Append(": [").Append(string.Join(", ", values.Select(v => "\"" + v + "\""))).Append("]\n");
            }
        }

        yaml.Append("  credentials:\n").AppendJoin("\n", credentials).Append('\n');
        var path = _temp.File("tenants.yaml");
        File.WriteAllText(path, yaml.ToString());
        return path;
    }

    private static void Add(SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> ids, string vendor, string kind, string value)
    {
        if (!ids.TryGetValue(vendor, out var kinds))
        {
            ids[vendor] = kinds = new(StringComparer.Ordinal);
        }

        if (!kinds.TryGetValue(kind, out var set))
        {
            kinds[kind] = set = new(StringComparer.Ordinal);
        }

        set.Add(value);
    }

    private static List<JsonElement> Flows(string scenario)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Repo.Pcap(scenario + ".labels.json")));
        return [.. document.RootElement.GetProperty("flows").EnumerateArray().Select(f => f.Clone())];
    }

    private static string FiveTuple(EveEvent e)
    {
        static string Endpoint(string ip, long port) => ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{port}" : $"{ip}:{port}";
        return $"{e.String("proto")!.ToLowerInvariant()} {Endpoint(e.String("src_ip")!, e.Long("src_port"))} -> {Endpoint(e.String("dest_ip")!, e.Long("dest_port"))}";
    }
}
