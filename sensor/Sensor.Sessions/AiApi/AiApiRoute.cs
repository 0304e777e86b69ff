namespace Sensor.Sessions.AiApi;

/// <summary>Which AI vendor API (or web app) a request is, from its host and path (reference.md §3.1).</summary>
internal enum AiApiRoute : byte
{
    None,
    AnthropicMessages,
    AnthropicCountTokens,
    AnthropicOAuthProfile,
    OpenAiChatCompletions,
    OpenAiResponses,
    TogetherChatCompletions,
    GeminiGenerateContent,
    GeminiStreamGenerateContent,
    CopilotChatCompletions,
    CopilotTokenExchange,
    ClaudeWeb,
    ChatGptWeb,
}

internal static class AiApiRoutes
{
    public static AiApiRoute Classify(string host, string path)
    {
        if (host.Equals("api.anthropic.com", StringComparison.OrdinalIgnoreCase))
        {
            return path switch
            {
                "/v1/messages" => AiApiRoute.AnthropicMessages,
                "/v1/messages/count_tokens" => AiApiRoute.AnthropicCountTokens,
                "/api/oauth/profile" => AiApiRoute.AnthropicOAuthProfile,
                _ => AiApiRoute.None,
            };
        }

        if (host.Equals("claude.ai", StringComparison.OrdinalIgnoreCase))
        {
            return path.StartsWith("/api/", StringComparison.Ordinal) ? AiApiRoute.ClaudeWeb : AiApiRoute.None;
        }

        if (host.Equals("chatgpt.com", StringComparison.OrdinalIgnoreCase) || host.Equals("chat.openai.com", StringComparison.OrdinalIgnoreCase))
        {
            return path.StartsWith("/backend-api/", StringComparison.Ordinal) || path.StartsWith("/backend-anon/", StringComparison.Ordinal)
                ? AiApiRoute.ChatGptWeb
                : AiApiRoute.None;
        }

        if (host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase))
        {
            return path == "/copilot_internal/v2/token" ? AiApiRoute.CopilotTokenExchange : AiApiRoute.None;
        }

        if (host.EndsWith("githubcopilot.com", StringComparison.OrdinalIgnoreCase))
        {
            return path == "/chat/completions" ? AiApiRoute.CopilotChatCompletions : AiApiRoute.None;
        }

        if (host.EndsWith("googleapis.com", StringComparison.OrdinalIgnoreCase))
        {
            return path.EndsWith(":streamGenerateContent", StringComparison.Ordinal) ? AiApiRoute.GeminiStreamGenerateContent
                : path.EndsWith(":generateContent", StringComparison.Ordinal) ? AiApiRoute.GeminiGenerateContent
                : AiApiRoute.None;
        }

        var together = host.Equals("api.together.xyz", StringComparison.OrdinalIgnoreCase);
        return path switch
        {
            "/v1/chat/completions" => together ? AiApiRoute.TogetherChatCompletions : AiApiRoute.OpenAiChatCompletions,
            "/v1/responses" => AiApiRoute.OpenAiResponses,
            _ => AiApiRoute.None,
        };
    }

    /// <summary>The <c>AiApiCall.Api</c> name, or null for routes that are not model calls.</summary>
    public static string? ApiName(AiApiRoute route) => route switch
    {
        AiApiRoute.AnthropicMessages => "anthropic.messages",
        AiApiRoute.AnthropicCountTokens => "anthropic.count_tokens",
        AiApiRoute.OpenAiChatCompletions => "openai.chat_completions",
        AiApiRoute.OpenAiResponses => "openai.responses",
        AiApiRoute.TogetherChatCompletions => "together.chat_completions",
        AiApiRoute.GeminiGenerateContent => "gemini.generate_content",
        AiApiRoute.GeminiStreamGenerateContent => "gemini.stream_generate_content",
        AiApiRoute.CopilotChatCompletions => "copilot.chat_completions",
        _ => null,
    };
}
