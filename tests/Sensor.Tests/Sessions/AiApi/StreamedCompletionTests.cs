using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Detectors;
using Sensor.Detectors.Validators;
using Sensor.Sessions.AiApi;
using Sensor.Sessions.Http;
using Sensor.Sessions.Payloads;
using Sensor.Tests.Detectors;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions.AiApi;

/// <summary>
/// Issue #5, "streaming": a secret a model writes across several text deltas of a streamed answer is found once, through
/// the real path (HTTP/1.1 session, chunked transfer coding, SSE, the AI observer's joining, the shipped detectors). The
/// SSE bodies follow the vendors' event sequences as i_streaming_sse (Anthropic, OpenAI Chat, Gemini) and the OpenAI
/// Responses streaming docs show them; the text goes through System.Text.Json, so it is escaped as servers escape it.
/// Assertions name types and counts, never values.
/// </summary>
public sealed class StreamedCompletionTests
{
    private static readonly string s_anthropicKey = "sk-ant-api03-" + Pattern(93, "abcdefghijkLMNOPQRSTUVWXYZ0123456789_-", 7) + "AA";
    private static readonly string s_gitHubToken = GitHubToken();

    private readonly EventRecorder _recorder = new();
    private readonly StreamContext _context;
    private long _flows;

    public StreamedCompletionTests()
    {
        var inspector = new SecretInspector(DetectorFixture.Pack, DetectorFixture.Formatter, _recorder, _recorder.Context.Anomalies);
        _context = SessionObservers.Compose(_recorder.Context with { Payloads = new PayloadHooks([], [inspector]) });
    }

    public static TheoryData<Vendor> Vendors => new(Enum.GetValues<Vendor>());

    public enum Vendor
    {
        Anthropic,
        OpenAiChat,
        OpenAiResponses,
        Gemini,

        // The same deltas as the arguments of a tool call the model streams.
        AnthropicToolUse,
        OpenAiChatToolCall,
        OpenAiResponsesToolCall,
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public void SecretSplitAcrossDeltas_IsFoundOnce(Vendor vendor)
    {
        var key = s_anthropicKey;
        var deltas = new[] { "Sure. Your config should read ANTHROPIC_API_KEY=", key[..9], key[9..50], key[50..], " and nothing else." };
        var flow = Play(vendor, deltas, chunk: int.MaxValue, [int.MaxValue]);
        AssertFoundOnce(flow, "anthropic_api_key", key);
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public void SecretInsideOneDelta_IsReportedOnce_NotOnceForTheBodyAndOnceForTheJoinedText(Vendor vendor)
    {
        var deltas = new[] { "Move access key ", s_gitHubToken, " into a credentials profile." };
        var flow = Play(vendor, deltas, chunk: int.MaxValue, [int.MaxValue]);
        AssertFoundOnce(flow, "github_pat", s_gitHubToken);
    }

    /// <summary>The secret's deltas cut by every TCP segment boundary and by 5-byte HTTP chunks (chunk sizes land inside lines, escapes and the secret).</summary>
    [Theory]
    [InlineData(Vendor.Anthropic)]
    [InlineData(Vendor.OpenAiChat)]
    public void EveryTwoWaySegmentSplit_WithSmallHttpChunks_FindsTheSplitSecretOnce(Vendor vendor)
    {
        var deltas = new[] { "token: ", s_gitHubToken[..4], s_gitHubToken[4..21], s_gitHubToken[21..], "." };
        var length = Response(vendor, deltas, chunk: 5).Length;
        for (var cut = 0; cut <= length; cut++)
        {
            var flow = Play(vendor, deltas, chunk: 5, [cut, int.MaxValue]);
            AssertFoundOnce(flow, "github_pat", s_gitHubToken, $"cut {cut}");
        }
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public void SeededRandomSegmentsAndChunks_FindTheSplitSecretOnce(Vendor vendor)
    {
        var key = s_anthropicKey;
        var deltas = new[] { "```\nANTHROPIC_API_KEY=", key[..20], key[20..21], key[21..70], key[70..], "\n```" };
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var chunk = random.Next(1, 300);
            var cuts = new List<int>();
            for (var at = random.Next(1, 200); at < 8192; at += random.Next(1, 200))
            {
                cuts.Add(at);
            }

            var flow = Play(vendor, deltas, chunk, [.. cuts, int.MaxValue]);
            AssertFoundOnce(flow, "anthropic_api_key", key, $"seed {seed}");
        }
    }

    /// <summary>Two OpenAI choices (n=2) stream interleaved: each is joined on its own, so a secret split within choice 1 is found.</summary>
    [Fact]
    public void InterleavedChoices_AreJoinedPerChoice()
    {
        var token = s_gitHubToken;
        var events = new List<string> { OpenAiChunk(0, "Choice zero says ") , OpenAiChunk(1, "Choice one: " + token[..10]), OpenAiChunk(0, "something else "), OpenAiChunk(1, token[10..]), OpenAiChunk(0, "entirely.") };
        var body = string.Concat(events.Select(e => "data: " + e + "\n\n")) + "data: [DONE]\n\n";
        var flow = PlayBody("api.openai.com", "/v1/chat/completions", body, chunk: 64, [int.MaxValue]);
        AssertFoundOnce(flow, "github_pat", token);
    }

    /// <summary>
    /// An answer longer than <see cref="StreamedCompletion.MaxTextBytes"/>: one <c>ai_completion_text_cap</c> anomaly, and
    /// the text before the cap is still inspected (a secret split early in the answer is found).
    /// </summary>
    [Fact]
    public void AnswerBeyondTheCap_GivesOneAnomaly_AndTheTextBeforeItIsStillInspected()
    {
        var key = s_anthropicKey;
        var filler = new string('x', 8000) + " ";
        var deltas = new List<string> { "key ", key[..30], key[30..], " " };
        deltas.AddRange(Enumerable.Repeat(filler, (StreamedCompletion.MaxTextBytes / filler.Length) + 10));
        var flow = Play(Vendor.Anthropic, deltas, chunk: int.MaxValue, [int.MaxValue]);
        AssertFoundOnce(flow, "anthropic_api_key", key);
        var anomaly = Assert.Single(_recorder.Anomalies, a => a.Kind == AnomalyKind.AiCompletionTextCap);
        Assert.Equal(("app", "ai_completion_text_cap"), (AnomalyNames.Layer(anomaly.Kind), AnomalyNames.Event(anomaly.Kind)));
        Assert.Equal(flow, anomaly.Flow?.FlowId);
    }

    private void AssertFoundOnce(long flow, string type, string value, string context = "")
    {
        var findings = _recorder.Of<FindingEvent>().Where(f => f.Flow?.FlowId == flow && f.Type == type).ToList();
        var fingerprint = DetectorFixture.Formatter.Fingerprint(null, value);
        Assert.True(findings.Count == 1, $"{context}: {findings.Count} {type} findings: [{string.Join(", ", findings.Select(f => $"{f.Location} {f.Redacted}"))}]");
        Assert.True(findings[0].Fingerprint == fingerprint, $"{context}: the {type} finding is not the whole value ({findings[0].Redacted})");
        Assert.Equal((PayloadLocation.ResponseBody, "to_client"), (findings[0].Location, findings[0].Direction));
        Assert.DoesNotContain(_recorder.Anomalies, a => a.Kind != AnomalyKind.AiCompletionTextCap);
    }

    /// <summary>Plays one request and its streamed answer on a fresh flow, the answer's bytes cut at <paramref name="cuts"/> (absolute offsets).</summary>
    private long Play(Vendor vendor, IReadOnlyList<string> deltas, int chunk, int[] cuts)
    {
        var (host, path) = vendor switch
        {
            Vendor.Anthropic or Vendor.AnthropicToolUse => ("api.anthropic.com", "/v1/messages"),
            Vendor.OpenAiChat or Vendor.OpenAiChatToolCall => ("api.openai.com", "/v1/chat/completions"),
            Vendor.OpenAiResponses or Vendor.OpenAiResponsesToolCall => ("api.openai.com", "/v1/responses"),
            _ => ("generativelanguage.googleapis.com", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"),
        };
        return PlayBody(host, path, Body(vendor, deltas), chunk, cuts);
    }

    private long PlayBody(string host, string path, string sse, int chunk, int[] cuts)
    {
        var flowId = ++_flows;
        var session = new Http1Session(EventRecorder.Flow(443, flowId: flowId), _context, decrypted: true);
        const string Request = """{"model":"m","stream":true,"messages":[{"role":"user","content":"What goes in my config?"}]}""";
        session.OnData(Direction.ToServer, Bytes($"POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {Request.Length}\r\n\r\n{Request}"));
        var response = ResponseBytes(sse, chunk);
        var at = 0;
        foreach (var cut in cuts.Append(int.MaxValue))
        {
            var end = Math.Min(cut, response.Length);
            if (end > at)
            {
                session.OnData(Direction.ToClient, new ReadOnlySequence<byte>(response[at..end]));
                at = end;
            }
        }

        session.OnEnd(Direction.ToServer, EndReason.Fin);
        session.OnEnd(Direction.ToClient, EndReason.Fin);
        return flowId;
    }

    private static byte[] Response(Vendor vendor, IReadOnlyList<string> deltas, int chunk) => ResponseBytes(Body(vendor, deltas), chunk);

    /// <summary>The answer as a server sends it: event-stream headers, then the SSE body in chunks of <paramref name="chunk"/> bytes.</summary>
    private static byte[] ResponseBytes(string sse, int chunk)
    {
        var body = Encoding.UTF8.GetBytes(sse);
        var wire = new MemoryStream();
        wire.Write(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"));
        for (var at = 0; at < body.Length; at += chunk)
        {
            var size = Math.Min(chunk, body.Length - at);
            wire.Write(Encoding.ASCII.GetBytes(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            wire.Write(body, at, size);
            wire.Write("\r\n"u8);
        }

        wire.Write("0\r\n\r\n"u8);
        return wire.ToArray();
    }

    private static string Body(Vendor vendor, IReadOnlyList<string> deltas) => vendor switch
    {
        Vendor.Anthropic => AnthropicBody(deltas),
        Vendor.OpenAiChat => string.Concat(
            [Event(null, """{"id":"chatcmpl-yDi6ZNeD1Gxz1JBftBxTsTaGYKkqL","object":"chat.completion.chunk","created":1795494715,"model":"gpt-4o","system_fingerprint":"fp_lab01","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}"""),
             .. deltas.Select(d => Event(null, OpenAiChunk(0, d))),
             Event(null, """{"id":"chatcmpl-yDi6ZNeD1Gxz1JBftBxTsTaGYKkqL","object":"chat.completion.chunk","created":1795494715,"model":"gpt-4o","system_fingerprint":"fp_lab01","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"""),
             Event(null, "[DONE]")]),
        Vendor.OpenAiResponses => ResponsesBody(deltas),
        Vendor.AnthropicToolUse => AnthropicToolUseBody(deltas),
        Vendor.OpenAiChatToolCall => string.Concat(
            [Event(null, ToolCallChunk("""{"index":0,"id":"call_5f2b","type":"function","function":{"name":"write_config","arguments":""}}""")),
             .. deltas.Select(d => Event(null, ToolCallChunk($$$"""{"index":0,"function":{"arguments":{{{Json(d)}}}}}"""))),
             Event(null, "[DONE]")]),
        Vendor.OpenAiResponsesToolCall => ResponsesToolCallBody(deltas),
        _ => string.Concat(deltas.Select((d, i) => Event(null,
            $$"""{"candidates":[{"content":{"parts":[{"text":{{Json(d)}}}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":{{i + 1}},"totalTokenCount":{{i + 13}}},"modelVersion":"gemini-2.5-flash","responseId":"krGFI92vhOWG8QQdRZlz"}"""))),
    };

    private static string AnthropicBody(IReadOnlyList<string> deltas)
    {
        var text = new StringBuilder();
        text.Append(Event("message_start", """{"type":"message_start","message":{"id":"msg_01nAGdk2ijnIxDYEnOQHubmV","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":43,"output_tokens":1}}}"""));
        text.Append(Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));
        text.Append(Event("ping", """{"type": "ping"}"""));
        foreach (var delta in deltas)
        {
            text.Append(Event("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":{{{Json(delta)}}}}}"""));
        }

        text.Append(Event("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        text.Append(Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"""));
        text.Append(Event("message_stop", """{"type":"message_stop"}"""));
        return text.ToString();
    }

    /// <summary>
    /// The Responses event sequence up to the last text delta: the answer is cut off there (the client stopped it), so the
    /// <c>response.output_text.done</c> / <c>response.completed</c> events that repeat the whole text never come and only
    /// the joined deltas hold the secret.
    /// </summary>
    private static string ResponsesBody(IReadOnlyList<string> deltas)
    {
        const string Item = "msg_68a1c0de5e2c8190a5f0b1c0ffee0001";
        var text = new StringBuilder();
        text.Append(Event("response.created", """{"type":"response.created","sequence_number":0,"response":{"id":"resp_68a1c0dd9a8c8190b4d2c0ffee000001","object":"response","created_at":1795494715,"status":"in_progress","model":"gpt-5","output":[]}}"""));
        text.Append(Event("response.output_item.added", $$$"""{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"{{{Item}}}","type":"message","status":"in_progress","content":[],"role":"assistant"}}"""));
        text.Append(Event("response.content_part.added", $$$"""{"type":"response.content_part.added","sequence_number":2,"item_id":"{{{Item}}}","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}}"""));
        for (var i = 0; i < deltas.Count; i++)
        {
            text.Append(Event("response.output_text.delta", $$"""{"type":"response.output_text.delta","sequence_number":{{i + 3}},"item_id":"{{Item}}","output_index":0,"content_index":0,"delta":{{Json(deltas[i])}},"logprobs":[]}"""));
        }

        return text.ToString();
    }

    private static string AnthropicToolUseBody(IReadOnlyList<string> deltas)
    {
        var text = new StringBuilder();
        text.Append(Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"write_config","input":{}}}"""));
        foreach (var delta in deltas)
        {
            text.Append(Event("content_block_delta", $$$"""{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":{{{Json(delta)}}}}}"""));
        }

        text.Append(Event("content_block_stop", """{"type":"content_block_stop","index":1}"""));
        text.Append(Event("message_stop", """{"type":"message_stop"}"""));
        return text.ToString();
    }

    private static string ResponsesToolCallBody(IReadOnlyList<string> deltas)
    {
        var text = new StringBuilder();
        text.Append(Event("response.output_item.added", """{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"fc_68a1c0de5e2c8190","type":"function_call","status":"in_progress","arguments":"","call_id":"call_5f2b","name":"write_config"}}"""));
        for (var i = 0; i < deltas.Count; i++)
        {
            text.Append(Event("response.function_call_arguments.delta", $$"""{"type":"response.function_call_arguments.delta","sequence_number":{{i + 2}},"item_id":"fc_68a1c0de5e2c8190","output_index":0,"delta":{{Json(deltas[i])}}}"""));
        }

        return text.ToString();
    }

    private static string ToolCallChunk(string toolCall) =>
        $$"""{"id":"chatcmpl-VSAkTvooBAr2slqefzcJNr6a398e7","object":"chat.completion.chunk","created":1795494715,"model":"gpt-5","choices":[{"index":0,"delta":{"tool_calls":[{{toolCall}}]},"logprobs":null,"finish_reason":null}]}""";

    private static string OpenAiChunk(int choice, string content) =>
        $$"""{"id":"chatcmpl-VSAkTvooBAr2slqefzcJNr6a398e7","object":"chat.completion.chunk","created":1795494715,"model":"gpt-5","system_fingerprint":"fp_lab01","choices":[{"index":{{choice}},"delta":{"content":{{Json(content)}}},"logprobs":null,"finish_reason":null}]}""";

    private static string Event(string? name, string data) => (name is null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n";

    private static string Json(string text) => JsonSerializer.Serialize(text);

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string Pattern(int length, string alphabet, int step) => new([.. Enumerable.Range(0, length).Select(i => alphabet[(i * step + 3) % alphabet.Length])]);

    /// <summary>A GitHub token with a valid checksum (a cut part of it never validates), built here as InspectorTests does.</summary>
    private static string GitHubToken()
    {
        const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var random = Pattern(30, Base62, 23);
        var crc = Crc32.Compute(random.AsSpan());
        var checksum = new char[6];
        for (var i = 5; i >= 0; i--)
        {
            checksum[i] = Base62[(int)(crc % 62)];
            crc /= 62;
        }

        return $"ghp_{random}{new string(checksum)}";
    }
}
