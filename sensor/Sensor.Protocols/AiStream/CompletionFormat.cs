namespace Sensor.Protocols.AiStream;

/// <summary>The shape of a vendor's streamed completion events (the <c>data</c> of each SSE event).</summary>
public enum CompletionFormat : byte
{
    /// <summary>Anthropic Messages: <c>content_block_delta</c> events, <c>delta.type</c> <c>text_delta</c>, text in <c>delta.text</c>, part = <c>index</c>.</summary>
    AnthropicMessages,

    /// <summary>OpenAI Chat Completions (and the OpenAI-compatible APIs: Together, Copilot): <c>choices[].delta.content</c>, part = <c>choices[].index</c>.</summary>
    OpenAiChat,

    /// <summary>OpenAI Responses: <c>response.output_text.delta</c> events, text in <c>delta</c>, part = <c>output_index</c>.</summary>
    OpenAiResponses,

    /// <summary>Gemini <c>streamGenerateContent?alt=sse</c>: <c>candidates[].content.parts[].text</c>, part = the candidate's position.</summary>
    Gemini,
}
