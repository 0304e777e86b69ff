namespace Sensor.Core.Streams;

/// <summary>The datagram counterpart of <see cref="IStreamConsumer"/>: one call per UDP payload of a flow.</summary>
public interface IDatagramConsumer
{
    /// <summary>One datagram's payload; valid only during the call.</summary>
    void OnDatagram(Direction direction, ReadOnlySpan<byte> payload);

    void OnEnd(EndReason reason);
}
