namespace Sensor.Protocols.JsonRpc;

/// <summary>
/// One JSON-RPC message as offsets into the body it was read from (no strings made). Ranges are empty when the member
/// is absent; string members point at the JSON string's contents (without quotes, still escaped when
/// <see cref="HasEscapes"/>), <see cref="Id"/> at the id's raw JSON text (<c>1</c>, <c>"abc"</c>).
/// </summary>
public readonly record struct JsonRpcMessageInfo(
    JsonRpcKind Kind,
    Range Message,
    Range Method,
    Range Id,
    Range ParamsName,
    Range ParamsUri,
    int? ErrorCode,
    bool HasVersion,
    bool HasEscapes)
{
    public static bool IsPresent(Range range) => !range.Equals(default(Range));
}
