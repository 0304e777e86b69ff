using System.Text;
using Sensor.Protocols.AiStream;

namespace Sensor.Tests.Protocols.AiStream;

/// <summary>
/// Text deltas out of real streamed-completion events: the Anthropic, OpenAI Chat and Gemini lines are copied from
/// ../shared/pcaps/i_streaming_sse (decrypted), the OpenAI Responses line follows the documented
/// <c>response.output_text.delta</c> event; then property order, escapes, the events that must not count, and robustness.
/// </summary>
public sealed class CompletionDeltaReaderTests
{
    // From i_streaming_sse (api.anthropic.com, api.openai.com, generativelanguage.googleapis.com).
    private const string AnthropicDelta = """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Here is a "}}""";
    private const string AnthropicStart = """{"type":"message_start","message":{"id":"msg_01nAGdk2ijnIxDYEnOQHubmV","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":43,"output_tokens":1}}}""";
    private const string AnthropicBlockStart = """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""";
    private const string OpenAiChunk = """{"id":"chatcmpl-VSAkTvooBAr2slqefzcJNr6a398e7","object":"chat.completion.chunk","created":1795494715,"model":"gpt-5","system_fingerprint":"fp_lab01","choices":[{"index":0,"delta":{"content":"That block defines "},"logprobs":null,"finish_reason":null}]}""";
    private const string OpenAiRoleChunk = """{"id":"chatcmpl-VSAkTvooBAr2slqefzcJNr6a398e7","object":"chat.completion.chunk","created":1795494715,"model":"gpt-5","system_fingerprint":"fp_lab01","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}""";
    private const string OpenAiStopChunk = """{"id":"chatcmpl-VSAkTvooBAr2slqefzcJNr6a398e7","object":"chat.completion.chunk","created":1795494715,"model":"gpt-5","system_fingerprint":"fp_lab01","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}""";
    private const string GeminiChunk = """{"candidates":[{"content":{"parts":[{"text":"Here is a concise answer "}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":30,"totalTokenCount":42},"modelVersion":"gemini-2.5-flash","responseId":"krGFI92vhOWG8QQdRZlz"}""";

    // OpenAI Responses streaming events (platform docs, "Streaming API responses").
    private const string ResponsesDelta = """{"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_68a1c0de5e2c8190a5f0b1c0ffee0001","output_index":1,"content_index":0,"delta":"Hello","logprobs":[]}""";
    private const string ResponsesDone = """{"type":"response.output_text.done","sequence_number":9,"item_id":"msg_68a1c0de5e2c8190a5f0b1c0ffee0001","output_index":1,"content_index":0,"text":"Hello world","logprobs":[]}""";

    [Theory]
    [InlineData(CompletionFormat.AnthropicMessages, AnthropicDelta, "0:Here is a ")]
    [InlineData(CompletionFormat.OpenAiChat, OpenAiChunk, "0:That block defines ")]
    [InlineData(CompletionFormat.OpenAiResponses, ResponsesDelta, "1:Hello")]
    [InlineData(CompletionFormat.Gemini, GeminiChunk, "0:Here is a concise answer ")]
    // Tool-call arguments and thinking, as the vendors' streaming references document them: each its own part.
    [InlineData(CompletionFormat.AnthropicMessages, """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Par"}}""", "1:{\"city\": \"Par")]
    [InlineData(CompletionFormat.AnthropicMessages, """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me"}}""", "0:Let me")]
    [InlineData(CompletionFormat.OpenAiResponses, """{"type":"response.function_call_arguments.delta","output_index":2,"delta":"{\"a\":"}""", "2:{\"a\":")]
    [InlineData(CompletionFormat.OpenAiChat, """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_x","type":"function","function":{"name":"f","arguments":"{\"k\":"}}]}}]}""", "65537:{\"k\":")]
    public void RealEvent_GivesItsTextDelta(CompletionFormat format, string data, string expected)
    {
        var (status, deltas) = Read(format, data);
        Assert.Equal(CompletionDeltaStatus.Text, status);
        Assert.Equal([expected], deltas);
    }

    [Theory]
    [InlineData(CompletionFormat.AnthropicMessages, AnthropicStart)]
    [InlineData(CompletionFormat.AnthropicMessages, AnthropicBlockStart)] // its empty "text" is not a delta
    [InlineData(CompletionFormat.AnthropicMessages, """{"type":"ping"}""")]
    [InlineData(CompletionFormat.OpenAiChat, OpenAiStopChunk)]
    [InlineData(CompletionFormat.OpenAiChat, "[DONE]")]
    [InlineData(CompletionFormat.OpenAiResponses, ResponsesDone)] // the whole text again: joining it would double the answer
    [InlineData(CompletionFormat.AnthropicMessages, """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}""")]
    [InlineData(CompletionFormat.Gemini, """{"usageMetadata":{"promptTokenCount":12},"modelVersion":"gemini-2.5-flash"}""")]
    [InlineData(CompletionFormat.OpenAiChat, AnthropicDelta)] // the wrong vendor's shape gives nothing
    [InlineData(CompletionFormat.AnthropicMessages, OpenAiChunk)]
    public void EventsWithoutCompletionText_GiveNothing(CompletionFormat format, string data)
    {
        var (status, deltas) = Read(format, data);
        Assert.Equal(CompletionDeltaStatus.NoText, status);
        Assert.Empty(deltas);
    }

    [Fact]
    public void OpenAiRoleChunk_GivesItsEmptyContent_WhichAddsNothing()
    {
        var (_, deltas) = Read(CompletionFormat.OpenAiChat, OpenAiRoleChunk);
        Assert.Equal(["0:"], deltas);
    }

    [Fact]
    public void PropertyOrder_DoesNotMatter()
    {
        Assert.Equal(["2:abc"], Read(CompletionFormat.AnthropicMessages, """{"delta":{"text":"abc","type":"text_delta"},"index":2,"type":"content_block_delta"}""").Deltas);
        Assert.Equal(["3:abc"], Read(CompletionFormat.OpenAiResponses, """{"delta":"abc","output_index":3,"type":"response.output_text.delta"}""").Deltas);
        Assert.Equal(["1:abc"], Read(CompletionFormat.OpenAiChat, """{"choices":[{"delta":{"content":"abc"},"index":1}]}""").Deltas);
    }

    [Fact]
    public void SeveralChoicesOrCandidatesInOneEvent_EachGiveTheirPart()
    {
        Assert.Equal(["0:a", "1:b"], Read(CompletionFormat.OpenAiChat, """{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}""").Deltas);
        Assert.Equal(["0:a", "0:b", "1:c"], Read(CompletionFormat.Gemini, """{"candidates":[{"content":{"parts":[{"text":"a"},{"text":"b"}]}},{"content":{"parts":[{"text":"c"}]}}]}""").Deltas);
    }

    [Fact]
    public void JsonEscapes_AreUndone()
    {
        var (_, deltas) = Read(CompletionFormat.AnthropicMessages, """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\"b\\c\nd\u002Be\u00e9\ud83d\ude00\/"}}""");
        Assert.Equal(["0:a\"b\\c\nd+eé😀/"], deltas);
    }

    [Fact]
    public void Unescape_OfALoneSurrogate_KeepsTheTextAsSent()
    {
        var quoted = "\"x\\ud800y\""u8;
        var destination = new byte[quoted.Length];
        var written = CompletionDeltaReader.Unescape(quoted, destination);
        Assert.Equal("x\\ud800y", Encoding.UTF8.GetString(destination, 0, written));
    }

    [Fact]
    public void DeeplyNestedValues_ArePassedOver_AndTooDeep_IsMalformed()
    {
        var nested = new string('[', 40) + new string(']', 40);
        Assert.Equal(["0:x"], Read(CompletionFormat.OpenAiChat, $$$"""{"extra":{{{nested}}},"choices":[{"index":0,"delta":{"content":"x"}}]}""").Deltas);
        var tooDeep = new string('[', CompletionDeltaReader.MaxDepth + 1) + new string(']', CompletionDeltaReader.MaxDepth + 1);
        Assert.Equal(CompletionDeltaStatus.Malformed, Read(CompletionFormat.OpenAiChat, $$"""{"extra":{{tooDeep}}}""").Status);
    }

    /// <summary>Every prefix of every real event, and seeded garbage after each prefix: a status, never an exception.</summary>
    [Fact]
    public void EveryPrefix_AndGarbageAfterIt_GiveAStatus()
    {
        var random = new Random(5);
        var cases = new (CompletionFormat, string)[]
        {
            (CompletionFormat.AnthropicMessages, AnthropicDelta), (CompletionFormat.OpenAiChat, OpenAiChunk),
            (CompletionFormat.OpenAiResponses, ResponsesDelta), (CompletionFormat.Gemini, GeminiChunk),
        };
        var statuses = new HashSet<CompletionDeltaStatus>();
        foreach (var (format, data) in cases)
        {
            var bytes = Encoding.UTF8.GetBytes(data);
            for (var length = 0; length <= bytes.Length; length++)
            {
                var garbage = new byte[random.Next(0, 16)];
                random.NextBytes(garbage);
                foreach (var input in new[] { bytes[..length], [.. bytes[..length], .. garbage] })
                {
                    var sink = new Recorder();
                    statuses.Add(CompletionDeltaReader.Read(format, input, sink));
                }
            }
        }

        Assert.Contains(CompletionDeltaStatus.Malformed, statuses);
        Assert.Contains(CompletionDeltaStatus.Text, statuses);
    }

    [Fact]
    public void Reading_AllocatesNothing()
    {
        var events = new[] { AnthropicDelta, OpenAiChunk, ResponsesDelta, GeminiChunk }.Select(Encoding.UTF8.GetBytes).ToArray();
        var formats = new[] { CompletionFormat.AnthropicMessages, CompletionFormat.OpenAiChat, CompletionFormat.OpenAiResponses, CompletionFormat.Gemini };
        var sink = new Counter();
        void Run()
        {
            for (var i = 0; i < events.Length; i++)
            {
                CompletionDeltaReader.Read(formats[i], events[i], sink);
            }
        }

        Assert.Equal(0, TestSupport.Allocation.Measure(Run));
        Assert.Equal(8, sink.Deltas);
    }

    private static (CompletionDeltaStatus Status, List<string> Deltas) Read(CompletionFormat format, string data)
    {
        var sink = new Recorder();
        var status = CompletionDeltaReader.Read(format, Encoding.UTF8.GetBytes(data), sink);
        return (status, sink.Deltas);
    }

    private sealed class Recorder : ICompletionTextSink
    {
        public List<string> Deltas { get; } = [];

        public void OnTextDelta(int part, ReadOnlySpan<byte> quoted)
        {
            var text = new byte[quoted.Length];
            var written = CompletionDeltaReader.Unescape(quoted, text);
            Deltas.Add(part.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + Encoding.UTF8.GetString(text, 0, written));
        }
    }

    private sealed class Counter : ICompletionTextSink
    {
        public int Deltas { get; private set; }

        public void OnTextDelta(int part, ReadOnlySpan<byte> quoted) => Deltas++;
    }
}
