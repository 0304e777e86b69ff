namespace Sensor.Protocols.JsonRpc;

/// <summary>Caps of the JSON-RPC reader.</summary>
public static class JsonRpcLimits
{
    /// <summary>
    /// Largest body read as JSON-RPC, in bytes. MCP messages in the shared captures are under 64 KiB; 1 MiB leaves room
    /// for large tool results and equals the SSE event cap (<see cref="Sse.SseLimits.MaxEventBytes"/>), so a message
    /// that fits one also fits the other.
    /// </summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>Nesting depth; System.Text.Json's own default (JsonReaderOptions.MaxDepth 0 means 64).</summary>
    public const int MaxDepth = 64;

    /// <summary>Messages per batch (2025-03-26 allowed batches; clients send a handful). More is a flood, not a batch.</summary>
    public const int MaxBatchMessages = 256;
}
