using System.Buffers;

namespace Sensor.Core.Streams;

/// <summary>
/// Where both ways into the sensor meet (architecture.md): in-order bytes per direction from TCP
/// reassembly, TLS decryption or the proxy. A consumer never knows which path fed it.
/// </summary>
public interface IStreamConsumer
{
    /// <summary>In-order bytes; valid only during the call (the buffer is reused afterwards).</summary>
    void OnData(Direction direction, ReadOnlySequence<byte> data);

    /// <summary>Bytes that were lost (capture drop, memcap, hole at end): resynchronise, don't guess.</summary>
    void OnGap(Direction direction, long missingBytes);

    /// <summary>The direction ended; no further calls for it. Acts as isFinalBlock for parsers.</summary>
    void OnEnd(Direction direction, EndReason reason);
}
