using System.Buffers;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;

namespace Sensor.Tests.TestSupport;

/// <summary>Keeps every event written.</summary>
internal sealed class RecordingSink : IEventSink
{
    public List<SensorEvent> Events { get; } = [];

    public int Flushes { get; private set; }

    public IEnumerable<FlowEvent> Flows => Events.OfType<FlowEvent>();

    public IEnumerable<AnomalyEvent> Anomalies => Events.OfType<AnomalyEvent>();

    public List<AnomalyEvent> AnomaliesOf(AnomalyKind kind) => Anomalies.Where(a => a.Kind == kind).ToList();

    public void Write(SensorEvent sensorEvent) => Events.Add(sensorEvent);

    public void Flush() => Flushes++;
}

/// <summary>Records what a stream consumer is told, per direction and as one ordered log; flags calls after OnEnd.</summary>
internal sealed class RecordingConsumer : IStreamConsumer
{
    private readonly List<byte>[] _bytes = [[], []];
    private readonly List<long>[] _gaps = [[], []];
    private readonly EndReason?[] _ends = new EndReason?[2];

    public RecordingConsumer(FlowIdentity? flow = null)
    {
        Flow = flow;
    }

    public FlowIdentity? Flow { get; }

    public List<string> Log { get; } = [];

    public List<string> Violations { get; } = [];

    public byte[] Bytes(Direction direction) => [.. _bytes[(int)direction]];

    public List<long> Gaps(Direction direction) => _gaps[(int)direction];

    public EndReason? End(Direction direction) => _ends[(int)direction];

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        CheckOpen(direction, "data");
        if (data.IsEmpty)
        {
            Violations.Add($"{direction}: empty OnData");
        }

        _bytes[(int)direction].AddRange(data.ToArray());
        Log.Add($"{direction} data {data.Length}");
    }

    public void OnGap(Direction direction, long missingBytes)
    {
        CheckOpen(direction, "gap");
        _gaps[(int)direction].Add(missingBytes);
        Log.Add($"{direction} gap {missingBytes}");
    }

    public void OnEnd(Direction direction, EndReason reason)
    {
        CheckOpen(direction, "end");
        _ends[(int)direction] = reason;
        Log.Add($"{direction} end {reason}");
    }

    private void CheckOpen(Direction direction, string call)
    {
        if (_ends[(int)direction] is { } reason)
        {
            Violations.Add($"{direction}: {call} after end ({reason})");
        }
    }
}

/// <summary>Hands out recording consumers (or whatever <see cref="Create"/> makes) and keeps them.</summary>
internal sealed class RecordingConsumerFactory : IStreamConsumerFactory
{
    public List<IStreamConsumer> Created { get; } = [];

    public Func<FlowIdentity, IStreamConsumer>? Create { get; init; }

    public IStreamConsumer? CreateConsumer(FlowIdentity flow)
    {
        var consumer = Create?.Invoke(flow) ?? new RecordingConsumer(flow);
        Created.Add(consumer);
        return consumer;
    }
}

/// <summary>A consumer with a bug: it throws on the chosen call.</summary>
internal sealed class ThrowingConsumer : IStreamConsumer
{
    public int DataCalls { get; private set; }

    public int GapCalls { get; private set; }

    public int EndCalls { get; private set; }

    public bool ThrowOnData { get; init; } = true;

    public bool ThrowOnEnd { get; init; }

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        DataCalls++;
        if (ThrowOnData)
        {
            throw new InvalidOperationException("consumer bug with payload " + data.Length);
        }
    }

    public void OnGap(Direction direction, long missingBytes) => GapCalls++;

    public void OnEnd(Direction direction, EndReason reason)
    {
        EndCalls++;
        if (ThrowOnEnd)
        {
            throw new InvalidOperationException("consumer bug at end");
        }
    }
}
