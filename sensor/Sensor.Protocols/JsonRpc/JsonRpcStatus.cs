namespace Sensor.Protocols.JsonRpc;

/// <summary>Outcome of reading a body as JSON-RPC 2.0.</summary>
public enum JsonRpcStatus : byte
{
    Ok,

    /// <summary>Not well-formed JSON (or trailing bytes after the value).</summary>
    InvalidJson,

    /// <summary>Well-formed JSON that is not a JSON-RPC message or batch of messages.</summary>
    NotJsonRpc,

    /// <summary>Deeper than <see cref="JsonRpcLimits.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>Longer than <see cref="JsonRpcLimits.MaxMessageBytes"/>, or a batch over <see cref="JsonRpcLimits.MaxBatchMessages"/>.</summary>
    TooLarge,

    /// <summary>An empty body, or an empty batch.</summary>
    Empty,
}
