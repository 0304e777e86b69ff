namespace Sensor.Core.Payloads;

/// <summary>An AI vendor API request as read from its body: which API, model, streaming, and what it declares.</summary>
public sealed class AiApiCall
{
    /// <summary><c>anthropic.messages</c>, <c>openai.chat_completions</c>, <c>openai.responses</c>, <c>gemini.generate_content</c>...</summary>
    public required string Api { get; init; }

    public string? Model { get; set; }

    public bool Stream { get; set; }

    /// <summary>Names (or types) of the tools declared in the request.</summary>
    public List<string> Tools { get; } = [];

    /// <summary>Remote MCP servers the request asks the vendor to call (Anthropic <c>mcp_servers</c>, OpenAI <c>tools[type=mcp]</c>).</summary>
    public List<string> McpServerUrls { get; } = [];
}
