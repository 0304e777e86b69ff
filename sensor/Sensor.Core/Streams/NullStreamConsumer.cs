using System.Buffers;

namespace Sensor.Core.Streams;

/// <summary>Discards stream bytes: used when no application-layer parser wants a flow.</summary>
public sealed class NullStreamConsumer : IStreamConsumer
{
    public static readonly NullStreamConsumer Instance = new();

    private NullStreamConsumer()
    {
    }

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
    }

    public void OnGap(Direction direction, long missingBytes)
    {
    }

    public void OnEnd(Direction direction, EndReason reason)
    {
    }
}
