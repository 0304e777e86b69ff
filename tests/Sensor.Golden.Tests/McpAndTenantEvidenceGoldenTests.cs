using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// <c>sensor analyze all.pcap --keylog all.keys.log</c> against labels.json: every visible MCP flow gives <c>mcp</c>
/// events with its labelled dialect, client methods, tools listed and called, resources read, server info, session ids,
/// auth and OAuth steps; every labelled tenant evidence appears on its flow's <c>http</c> events; credential kinds match.
/// </summary>
public sealed class McpAndTenantEvidenceGoldenTests
{
    private static readonly Lazy<(SensorRun Run, Dictionary<string, List<EveEvent>> ByTuple)> s_run = new(() =>
    {
        var run = SensorCli.Run("analyze", "-q", "--keylog", Repo.Pcap("all.keys.log"), Repo.Pcap("all.pcap"));
        var byTuple = run.Events.Where(e => e.Root.TryGetProperty("src_port", out _))
            .GroupBy(e => FiveTuple.Of(e).ToString())
            .ToDictionary(g => g.Key, g => g.ToList());
        return (run, byTuple);
    });

    private static readonly Lazy<JsonDocument> s_labels = new(() => JsonDocument.Parse(File.ReadAllText(Repo.Pcap("labels.json"))));

    public static TheoryData<int> McpFlows => new(Flows().Where(f => f.GetProperty("is_mcp").GetBoolean() && f.GetProperty("payload_visible").GetBoolean()).Select(Stream));

    public static TheoryData<int> VisibleFlows => new(Flows().Where(f => f.GetProperty("payload_visible").GetBoolean()).Select(Stream));

    [Theory]
    [MemberData(nameof(McpFlows))]
    public void McpFlow_MatchesItsLabels(int stream)
    {
        var flow = Flow(stream);
        var label = flow.GetProperty("mcp");
        var mcp = Events(flow, "mcp").Select(e => e.Root.GetProperty("mcp")).ToList();
        Assert.NotEmpty(mcp);

        var dialect = flow.GetProperty("mcp_transport").GetString() switch { "sse" => "sse-2024", var other => other };
        Assert.All(mcp, m => Assert.Equal(dialect, Text(m, "dialect")));
        Assert.Equal(Strings(label, "client_methods"), mcp.Where(m => Text(m, "direction") == "to_server" && Text(m, "kind") is "request" or "notification").Select(m => Text(m, "method")));
        Assert.Equal(Strings(label, "tools_listed"), mcp.SelectMany(m => m.TryGetProperty("tools", out var t) ? t.EnumerateArray().Select(x => Text(x, "name")) : []));
        Assert.Equal(
            label.GetProperty("tools_called").EnumerateArray().Select(t => Text(t, "name")).Order(),
            mcp.Where(m => Text(m, "kind") == "request" && Text(m, "method") == "tools/call").Select(m => Text(m, "tool")).Order());
        Assert.Equal(Strings(label, "resources_read"), mcp.Where(m => Text(m, "kind") == "request" && Text(m, "method") == "resources/read").Select(m => Text(m, "resource")));
        Assert.Equal(Strings(label, "session_ids").ToHashSet(), mcp.Select(m => Text(m, "session_id")).OfType<string>().ToHashSet());
        Assert.Contains(Text(label, "auth"), mcp.Select(m => Text(m, "auth")));
        Assert.Equal(Strings(label, "auth_steps").Order(), mcp.Select(m => Text(m, "oauth_step")).OfType<string>().Order());
        if (label.GetProperty("server_info") is { ValueKind: JsonValueKind.Object } server)
        {
            Assert.Contains(mcp, m => m.TryGetProperty("server", out var s) && Text(s, "name") == Text(server, "name") && Text(s, "version") == Text(server, "version"));
        }

        if (Text(label, "protocol_version") is { } version)
        {
            Assert.Contains(version, mcp.Select(m => Text(m, "protocol_version")));
        }
    }

    [Fact]
    public void NoMcpEvents_OnFlowsThatAreNotMcp()
    {
        var wrong = Flows().Where(f => !f.GetProperty("is_mcp").GetBoolean() && Events(f, "mcp").Any()).Select(Stream).ToList();
        Assert.Empty(wrong);
    }

    [Theory]
    [MemberData(nameof(VisibleFlows))]
    public void TenantEvidenceAndCredentialKinds_AreOnTheFlowsHttpEvents(int stream)
    {
        var flow = Flow(stream);
        var http = Events(flow, "http").Select(e => e.Root.GetProperty("http")).ToList();
        var bases = http.SelectMany(h => h.TryGetProperty("tenant_evidence", out var t) ? t.EnumerateArray().Select(x => Text(x, "basis")) : []).OfType<string>().ToHashSet();

        // "credential-only" names the absence of tenant evidence (the tenant registry decides), and "sni:copilot-plan"
        // is read from the TLS ClientHello by attribution, not from HTTP: neither is an HTTP observation.
        var expected = flow.GetProperty("requests").EnumerateArray()
            .SelectMany(r => Strings(r, "tenant_evidence"))
            .Where(b => !b.StartsWith("credential-only", StringComparison.Ordinal) && b != "sni:copilot-plan")
            .ToHashSet();
        Assert.Subset(bases, expected); // every labelled basis is among ours

        var kind = flow.GetProperty("credential_kind");
        var labelled = kind.ValueKind switch
        {
            JsonValueKind.String => [kind.GetString()!],
            JsonValueKind.Array => kind.EnumerateArray().Select(k => k.GetString()!).ToHashSet(),
            _ => new HashSet<string>(),
        };
        Assert.Equal(labelled, http.Where(h => h.TryGetProperty("credential", out _)).Select(h => Text(h.GetProperty("credential"), "kind")!).ToHashSet());
    }

    private static JsonElement.ArrayEnumerator Flows() => s_labels.Value.RootElement.GetProperty("flows").EnumerateArray();

    private static int Stream(JsonElement flow) => flow.GetProperty("tcp_stream").GetInt32();

    private static JsonElement Flow(int stream) => Flows().First(f => Stream(f) == stream);

    private static IEnumerable<EveEvent> Events(JsonElement flow, string type) =>
        s_run.Value.ByTuple.GetValueOrDefault(FiveTuple.Parse(flow.GetProperty("five_tuple").GetString()!).ToString(), []).Where(e => e.Type == type);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!) : [];
}
