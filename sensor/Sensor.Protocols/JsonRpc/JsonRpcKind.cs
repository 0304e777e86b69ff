namespace Sensor.Protocols.JsonRpc;

/// <summary>The four JSON-RPC 2.0 message shapes (§4, §5).</summary>
public enum JsonRpcKind : byte
{
    Request,
    Notification,
    Result,
    Error,
}
