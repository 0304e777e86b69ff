using System.Text.Json;

namespace Sensor.Protocols.AiStream;

/// <summary>
/// Finds the completion text deltas in one streamed-completion SSE event of the vendors in <see cref="CompletionFormat"/>,
/// so a session can join a model's answer that was sent a few words at a time: the answer text, and the arguments of
/// the tool calls the model streams (a key the model hands to a tool is as much a leak as one in its answer), each
/// tool call a part of its own. One forward pass of
/// <see cref="Utf8JsonReader"/> with the path kept as one small key per depth: no allocation, and property order does
/// not matter (a delta's text may come before or after the index or type that qualifies it). Returns a status, never throws.
/// </summary>
public static class CompletionDeltaReader
{
    /// <summary>Nesting accepted: <see cref="JsonReaderOptions.MaxDepth"/>'s default (64). The paths read are at most 7 deep
    /// (OpenAI chat <c>choices[].delta.tool_calls[].function.arguments</c>); deeper values are passed over.</summary>
    public const int MaxDepth = 64;

    /// <summary>Added to a tool call's part key so its arguments never join the answer text of the same choice or block.</summary>
    public const int ToolCallPartBase = 1 << 16;

    private enum Key : byte
    {
        Other,
        Type,
        Index,
        Delta,
        Text,
        Content,
        Choices,
        Candidates,
        Parts,
        OutputIndex,
        PartialJson,
        Thinking,
        ToolCalls,
        Function,
        Arguments,
    }

    /// <summary>Gives every text delta of <paramref name="data"/> (one event's data) to <paramref name="sink"/>.</summary>
    public static CompletionDeltaStatus Read(CompletionFormat format, ReadOnlySpan<byte> data, ICompletionTextSink sink)
    {
        var first = data.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0 || data[first] != (byte)'{')
        {
            return CompletionDeltaStatus.NoText; // "[DONE]", keep-alive payloads
        }

        Span<Key> keys = stackalloc Key[MaxDepth + 2];
        Span<int> positions = stackalloc int[MaxDepth + 2];
        Span<bool> inArray = stackalloc bool[MaxDepth + 2];
        var state = new Unit { Part = -1 };
        var toolIndex = 0;
        var found = false;
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                var token = reader.TokenType;
                if (token == JsonTokenType.PropertyName)
                {
                    keys[depth] = Classify(ref reader);
                    continue;
                }

                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    if (token == JsonTokenType.EndObject && EndsUnit(format, depth, keys) && state.Flush(data, sink, depth == 0 ? -1 : positions[depth]))
                    {
                        found = true;
                    }

                    continue;
                }

                if (inArray[depth])
                {
                    positions[depth]++;
                }

                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    inArray[depth + 1] = token == JsonTokenType.StartArray;
                    positions[depth + 1] = -1;
                    keys[depth + 1] = Key.Other;
                    continue;
                }

                if (Value(format, ref reader, depth, keys, positions, ref state, ref toolIndex, data, sink))
                {
                    found = true;
                }
            }
        }
        catch (JsonException)
        {
            return CompletionDeltaStatus.Malformed;
        }

        return found ? CompletionDeltaStatus.Text : CompletionDeltaStatus.NoText;
    }

    /// <summary>
    /// The text of a JSON string token (quotes included) as UTF-8, written to <paramref name="destination"/> (at least as
    /// long as the token). Returns the bytes written. A string whose escapes are not valid UTF-16 is kept as sent.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> quoted, Span<byte> destination)
    {
        var inner = quoted[1..^1];
        if (inner.IndexOf((byte)'\\') < 0)
        {
            inner.CopyTo(destination);
            return inner.Length;
        }

        try
        {
            var reader = new Utf8JsonReader(quoted);
            reader.Read();
            return reader.CopyString(destination);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            inner.CopyTo(destination);
            return inner.Length;
        }
    }

    private static bool Value(CompletionFormat format, ref Utf8JsonReader reader, int depth, scoped ReadOnlySpan<Key> keys, scoped ReadOnlySpan<int> positions, ref Unit state, ref int toolIndex, ReadOnlySpan<byte> data, ICompletionTextSink sink)
    {
        var text = reader.TokenType == JsonTokenType.String;
        var number = reader.TokenType == JsonTokenType.Number;
        switch (format)
        {
            case CompletionFormat.AnthropicMessages:
                if (depth == 1 && text && keys[1] == Key.Type)
                {
                    state.Qualified = reader.ValueTextEquals("content_block_delta"u8);
                }
                else if (depth == 1 && number && keys[1] == Key.Index && reader.TryGetInt32(out var block))
                {
                    state.Part = block;
                }
                else if (depth == 2 && text && keys[1] == Key.Delta && keys[2] is Key.Text or Key.PartialJson or Key.Thinking)
                {
                    state.Hold(ref reader); // text_delta, input_json_delta (a tool_use block's input), thinking_delta: one kind per block
                }

                return false;

            case CompletionFormat.OpenAiResponses:
                if (depth == 1 && text && keys[1] == Key.Type)
                {
                    state.Qualified = reader.ValueTextEquals("response.output_text.delta"u8) ||
                        reader.ValueTextEquals("response.function_call_arguments.delta"u8); // its own output item, so its own part
                }
                else if (depth == 1 && number && keys[1] == Key.OutputIndex && reader.TryGetInt32(out var output))
                {
                    state.Part = output;
                }
                else if (depth == 1 && text && keys[1] == Key.Delta)
                {
                    state.Hold(ref reader);
                }

                return false;

            case CompletionFormat.OpenAiChat:
                // {"choices":[{"index":0,"delta":{"content":"..."}}]}: a choice is the unit (depth 2).
                if (keys[1] != Key.Choices)
                {
                    return false;
                }

                if (depth == 3 && number && keys[3] == Key.Index && reader.TryGetInt32(out var choice))
                {
                    state.Part = choice;
                }
                else if (depth == 4 && text && keys[3] == Key.Delta && keys[4] == Key.Content)
                {
                    state.Qualified = true;
                    state.Hold(ref reader);
                }
                else if (depth == 6 && number && keys[4] == Key.ToolCalls && keys[6] == Key.Index && reader.TryGetInt32(out var tool))
                {
                    toolIndex = tool; // the API writes a tool call's index before its function (a later index is not waited for)
                }
                else if (depth == 7 && text && keys[3] == Key.Delta && keys[4] == Key.ToolCalls && keys[6] == Key.Function && keys[7] == Key.Arguments)
                {
                    sink.OnTextDelta(ToolCallPartBase + (positions[2] * 256) + (toolIndex & 0xff), Token(ref reader, data));
                    return true;
                }

                return false;

            case CompletionFormat.Gemini:
                // {"candidates":[{"content":{"parts":[{"text":"..."}]}}]}: each part's text as it comes, per candidate.
                if (depth == 6 && text && keys[1] == Key.Candidates && keys[3] == Key.Content && keys[4] == Key.Parts && keys[6] == Key.Text)
                {
                    sink.OnTextDelta(positions[2], Token(ref reader, data));
                    return true;
                }

                return false;

            default:
                return false;
        }
    }

    /// <summary>The object whose end completes a delta: the event itself, or (OpenAI chat) one element of <c>choices</c>.</summary>
    private static bool EndsUnit(CompletionFormat format, int depth, ReadOnlySpan<Key> keys) => format switch
    {
        CompletionFormat.AnthropicMessages or CompletionFormat.OpenAiResponses => depth == 0,
        CompletionFormat.OpenAiChat => depth == 2 && keys[1] == Key.Choices,
        _ => false,
    };

    private static ReadOnlySpan<byte> Token(ref Utf8JsonReader reader, ReadOnlySpan<byte> data) =>
        data.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2);

    private static Key Classify(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) ? Key.Type
        : reader.ValueTextEquals("index"u8) ? Key.Index
        : reader.ValueTextEquals("delta"u8) ? Key.Delta
        : reader.ValueTextEquals("text"u8) ? Key.Text
        : reader.ValueTextEquals("content"u8) ? Key.Content
        : reader.ValueTextEquals("choices"u8) ? Key.Choices
        : reader.ValueTextEquals("candidates"u8) ? Key.Candidates
        : reader.ValueTextEquals("parts"u8) ? Key.Parts
        : reader.ValueTextEquals("output_index"u8) ? Key.OutputIndex
        : reader.ValueTextEquals("partial_json"u8) ? Key.PartialJson
        : reader.ValueTextEquals("thinking"u8) ? Key.Thinking
        : reader.ValueTextEquals("tool_calls"u8) ? Key.ToolCalls
        : reader.ValueTextEquals("function"u8) ? Key.Function
        : reader.ValueTextEquals("arguments"u8) ? Key.Arguments
        : Key.Other;

    /// <summary>The delta being read: its text token (held until the unit ends, since what qualifies it may come later), part and qualification.</summary>
    private struct Unit
    {
        private int _start;
        private int _length;
        private bool _held;

        public bool Qualified;
        public int Part;

        public void Hold(ref Utf8JsonReader reader)
        {
            _start = (int)reader.TokenStartIndex;
            _length = reader.ValueSpan.Length + 2;
            _held = true;
        }

        /// <summary>Gives the held text to the sink when qualified (part: the one read, else <paramref name="position"/>), then forgets the unit.</summary>
        public bool Flush(ReadOnlySpan<byte> data, ICompletionTextSink sink, int position)
        {
            var given = _held && Qualified;
            if (given)
            {
                sink.OnTextDelta(Part >= 0 ? Part : Math.Max(position, 0), data.Slice(_start, _length));
            }

            this = new Unit { Part = -1 };
            return given;
        }
    }
}
