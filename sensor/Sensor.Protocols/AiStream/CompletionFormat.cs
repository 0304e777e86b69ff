namespace Sensor.Protocols.AiStream;

/// <summary>The shape of a vendor's streamed completion events (the <c>data</c> of each SSE event).</summary>
public enum CompletionFormat : byte
{
    /// <summary>Anthropic Messages: <c>content_block_delta</c> events: <c>delta.text</c> (text_delta), <c>delta.partial_json</c> (input_json_delta), <c>delta.thinking</c>; part = <c>index</c>.</summary>
    AnthropicMessages,

    /// <summary>OpenAI Chat Completions (and the OpenAI-compatible APIs: Together, Copilot): <c>choices[].delta.content</c>, part = <c>choices[].index</c>; <c>choices[].delta.tool_calls[].function.arguments</c>, a part per tool call.</summary>
    OpenAiChat,

    /// <summary>OpenAI Responses: <c>response.output_text.delta</c> and <c>response.function_call_arguments.delta</c> events, text in <c>delta</c>, part = <c>output_index</c>.</summary>
    OpenAiResponses,

    /// <summary>Gemini <c>streamGenerateContent?alt=sse</c>: <c>candidates[].content.parts[].text</c>, part = the candidate's position.</summary>
    Gemini,
}
