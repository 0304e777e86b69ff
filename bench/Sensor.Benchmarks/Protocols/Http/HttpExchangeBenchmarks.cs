using System.Buffers;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Sessions.Http;
using Sensor.Sessions.Payloads;
using Sensor.Threats;

namespace Sensor.Benchmarks.Protocols.Http;

/// <summary>
/// One whole MCP exchange on a keep-alive HTTP/1.1 connection, as a decrypted flow delivers it: a Streamable HTTP
/// tools/call POST and its JSON answer through <c>Http1Session</c>, the <c>HttpExchangeDispatcher</c>, the AI API and
/// MCP observers (mcp events, message details) and the MCP threat detector. Events go nowhere; no detectors (they
/// have their own benchmarks). Measures the per-exchange cost of the HTTP -> MCP -> threat path (issue 4).
/// </summary>
[MemoryDiagnoser]
public class HttpExchangeBenchmarks
{
    private const string RequestBody =
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"notion-search\",\"arguments\":{\"query\":\"q3 roadmap\",\"limit\":10}}}";

    private const string ResponseBody =
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Found 2 pages: Q3 roadmap (updated yesterday), " +
        "Q3 planning notes.\"}],\"isError\":false}}";

    private static readonly byte[] s_request = Encoding.ASCII.GetBytes(
        "POST /mcp HTTP/1.1\r\nHost: mcp.notion.com\r\nUser-Agent: node\r\nAccept: application/json, text/event-stream\r\n" +
        "Content-Type: application/json\r\nMcp-Session-Id: 7f9c2ba4-e88f-4f0e-9c55-1f2d3c4b5a69\r\nMcp-Protocol-Version: 2025-06-18\r\n" +
        "Authorization: Bearer bench-token-not-a-secret\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n" +
        "Content-Length: " + RequestBody.Length + "\r\n\r\n" + RequestBody);

    private static readonly byte[] s_response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nDate: Tue, 24 Nov 2026 10:00:00 GMT\r\nContent-Type: application/json\r\n" +
        "Mcp-Session-Id: 7f9c2ba4-e88f-4f0e-9c55-1f2d3c4b5a69\r\nVary: Origin\r\nServer: cloudflare\r\n" +
        "Content-Length: " + ResponseBody.Length + "\r\n\r\n" + ResponseBody);

    private Http1Session _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        var context = new StreamContext(NullEventSink.Instance, new AnomalyReporter(NullEventSink.Instance, new SensorCounters()), new PacketClock());
        var threats = new McpThreatState(new McpThreatOptions { AllowedServers = ["mcp.notion.com"] });
        context = context with
        {
            Payloads = context.Payloads with { McpObservers = [new McpThreatDetector(context, threats)] },
        };
        var flow = new FlowIdentity(1, 6, IPAddress.Loopback, 50000, IPAddress.Loopback, 443, "1:bench");
        _session = new Http1Session(flow, SessionObservers.Compose(context), decrypted: true);
    }

    [Benchmark(Description = "MCP tools/call exchange (HTTP/1.1 keep-alive)")]
    public void ToolsCallExchange()
    {
        _session.OnData(Direction.ToServer, new ReadOnlySequence<byte>(s_request));
        _session.OnData(Direction.ToClient, new ReadOnlySequence<byte>(s_response));
    }
}
