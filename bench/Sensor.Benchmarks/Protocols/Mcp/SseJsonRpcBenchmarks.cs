using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Sensor.Protocols.JsonRpc;
using Sensor.Protocols.Sse;

namespace Sensor.Benchmarks.Protocols.Mcp;

/// <summary>
/// SSE event extraction (an Anthropic-style stream of 64 events and a Streamable HTTP answer of MCP messages) and
/// JSON-RPC classification of the 64 MCP conformance messages. Budget on valid input: 0 B per message (issue 4).
/// </summary>
public class SseJsonRpcBenchmarks
{
    private byte[] _stream = [];
    private byte[][] _messages = [];
    private readonly SseReader _reader = new();
    private readonly List<JsonRpcMessageInfo> _infos = new(4);

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 64; i++)
        {
            text.Append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"token ")
                .Append(i).Append("\"}}\n\n");
        }

        _stream = Encoding.UTF8.GetBytes(text.ToString());
        var conformance = Path.Combine(BenchmarkData.Shared, "conformance", "mcp", "jsonrpc-messages.jsonl");
        _messages = [.. File.ReadLines(conformance).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return Encoding.UTF8.GetBytes(document.RootElement.GetProperty("message").GetRawText());
        })];
    }

    /// <summary>64 events of one stream, read in 1460-byte chunks as TCP segments bring them.</summary>
    [Benchmark(OperationsPerInvoke = 64)]
    public int SseEvents()
    {
        _reader.Reset();
        var total = 0;
        for (var at = 0; at < _stream.Length; at += 1460)
        {
            ReadOnlySpan<byte> chunk = _stream.AsSpan(at, Math.Min(1460, _stream.Length - at));
            while (_reader.Read(ref chunk) != SseReadStatus.NeedMoreData)
            {
                total += _reader.Current.Data.Length;
            }
        }

        return total;
    }

    /// <summary>Each of the 64 conformance messages classified (kind, method, id, params.name/uri, error code).</summary>
    [Benchmark(OperationsPerInvoke = 64)]
    public int JsonRpcClassify()
    {
        var total = 0;
        foreach (var message in _messages)
        {
            JsonRpcReader.Read(message, _infos, out _);
            total += (int)_infos[0].Kind;
        }

        return total;
    }
}
