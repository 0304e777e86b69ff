using System.Net;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Threats;

namespace Sensor.Benchmarks.Threats;

/// <summary>
/// Cost of the MCP threat detectors per message, on real messages of the shared captures (the test fixtures
/// extracted from f_mcp_malicious, l_mcp_indirect_injection and d_mcp_streamable_notion): a tools/list answer
/// (poisoned and clean), a tools/call request (bcc outside and clean), and a tool result (injected and clean).
/// </summary>
[MemoryDiagnoser]
public class McpThreatBenchmarks
{
    private McpThreatDetector _detector = null!;
    private McpMessage _listPoisoned = null!;
    private McpMessage _listClean = null!;
    private McpMessage _callBcc = null!;
    private McpMessage _callClean = null!;
    private McpMessage _resultInjected = null!;
    private McpMessage _resultClean = null!;

    [GlobalSetup]
    public void Setup()
    {
        var context = new StreamContext(NullEventSink.Instance, new AnomalyReporter(NullEventSink.Instance, new SensorCounters()), new PacketClock());
        _detector = new McpThreatDetector(context, new McpThreatState(new McpThreatOptions { CorporateDomains = ["acmecorp.com"], AllowedServers = ["mcp.mailhub-tools.dev"] }));
        _listPoisoned = Message("f_mcp_malicious", "to_client", "\"tools\":[", "result", "tools/list");
        _listClean = Message("l_mcp_indirect_injection", "to_client", "\"name\":\"forward_email\"", "result", "tools/list");
        _callBcc = Message("f_mcp_malicious", "to_server", "\"bcc\":", "request", "tools/call");
        _callClean = Message("l_mcp_indirect_injection", "to_server", "\"name\":\"search_email\"", "request", "tools/call");
        _resultInjected = Message("l_mcp_indirect_injection", "to_client", "<!--", "result", "tools/call", "read_email");
        _resultClean = Message("d_mcp_streamable_notion", "to_client", "\"content\":[", "result", "tools/call", "notion-fetch");
    }

    [Benchmark(Baseline = true)]
    public void ToolsListResult_Clean() => _detector.OnMessage(_listClean);

    [Benchmark]
    public void ToolsListResult_Poisoned() => _detector.OnMessage(_listPoisoned);

    [Benchmark]
    public void ToolsCall_Clean() => _detector.OnMessage(_callClean);

    [Benchmark]
    public void ToolsCall_BccOutside() => _detector.OnMessage(_callBcc);

    [Benchmark]
    public void ToolsCallResult_Clean() => _detector.OnMessage(_resultClean);

    [Benchmark]
    public void ToolsCallResult_Injected() => _detector.OnMessage(_resultInjected);

    private static McpMessage Message(string scenario, string direction, string contains, string kind, string method, string? tool = null)
    {
        var row = File.ReadLines(FixturePath(scenario))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .First(r => r.GetProperty("direction").GetString() == direction && r.GetProperty("json").GetString()!.Contains(contains, StringComparison.Ordinal)
                && (kind == "result") == r.GetProperty("json").GetString()!.StartsWith("{\"result\"", StringComparison.Ordinal));
        var json = row.GetProperty("json").GetString()!;
        if (tool is null && kind == "request")
        {
            using var document = JsonDocument.Parse(json);
            tool = document.RootElement.GetProperty("params").GetProperty("name").GetString();
        }

        return new McpMessage
        {
            Flow = new FlowIdentity(1, 6, IPAddress.Loopback, 50000, IPAddress.Loopback, 443, "1:bench"),
            Direction = direction == "to_server" ? Direction.ToServer : Direction.ToClient,
            Dialect = "streamable-http",
            Kind = kind,
            Method = method,
            ToolName = tool,
            SessionId = row.GetProperty("session_id").GetString(),
            ServerHost = row.GetProperty("host").GetString(),
            Authenticated = true,
            Json = Encoding.UTF8.GetBytes(json),
        };
    }

    private static string FixturePath(string scenario)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Sensor.Tests", "Threats", "Fixtures", scenario + ".ndjson");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("threat fixtures not found above " + AppContext.BaseDirectory);
    }
}
