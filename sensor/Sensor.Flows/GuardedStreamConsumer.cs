using System.Buffers;
using Sensor.Core.Streams;

namespace Sensor.Flows;

/// <summary>
/// Quarantines an application-layer consumer that throws: the fault is reported once, the flow keeps
/// its counters and flow event, and the consumer gets no more bytes (style.md 2.6: exceptions are bugs,
/// caught at the worker boundary so one flow cannot take the sensor down).
/// </summary>
internal sealed class GuardedStreamConsumer : IStreamConsumer
{
    private readonly Flow _flow;
    private IStreamConsumer _inner;

    public GuardedStreamConsumer(Flow flow, IStreamConsumer inner)
    {
        _flow = flow;
        _inner = inner;
    }

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        try
        {
            _inner.OnData(direction, data);
        }
#pragma warning disable CA1031 // The boundary where any consumer bug is contained.
        catch (Exception)
#pragma warning restore CA1031
        {
            Quarantine();
        }

        if (_flow.Identity.AppLayerDone)
        {
            // The application layer has all it needs: later segments go nowhere, without a call per segment.
            _flow.Consumer = NullStreamConsumer.Instance;
        }
    }

    public void OnGap(Direction direction, long missingBytes)
    {
        try
        {
            _inner.OnGap(direction, missingBytes);
        }
#pragma warning disable CA1031
        catch (Exception)
#pragma warning restore CA1031
        {
            Quarantine();
        }
    }

    public void OnEnd(Direction direction, EndReason reason)
    {
        try
        {
            _inner.OnEnd(direction, reason);
        }
#pragma warning disable CA1031
        catch (Exception)
#pragma warning restore CA1031
        {
            Quarantine();
        }
    }

    private void Quarantine()
    {
        // The exception text may hold payload bytes: it is never logged, only counted.
        _inner = NullStreamConsumer.Instance;
        _flow.ReportConsumerFault();
    }
}
