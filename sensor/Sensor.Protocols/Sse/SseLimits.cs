namespace Sensor.Protocols.Sse;

/// <summary>Caps of the SSE reader.</summary>
public static class SseLimits
{
    /// <summary>
    /// Largest event (all its data lines) and largest single line kept, in bytes. An SSE event on the wire we care about
    /// carries one JSON-RPC message or one AI streaming delta; 1 MiB holds the largest tool results seen in the shared
    /// captures many times over, and matches the JSON-RPC message cap (<see cref="JsonRpc.JsonRpcLimits.MaxMessageBytes"/>).
    /// Larger events are skipped whole and reported, never buffered.
    /// </summary>
    public const int MaxEventBytes = 1024 * 1024;

    /// <summary>Event type and id values longer than this are truncated data, not names: the event is dropped as oversized.</summary>
    public const int MaxFieldValueBytes = 1024;
}
