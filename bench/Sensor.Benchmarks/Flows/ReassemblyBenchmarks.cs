using BenchmarkDotNet.Attributes;
using Sensor.Core.Diagnostics;
using Sensor.Core.Streams;
using Sensor.Flows.Tcp;

namespace Sensor.Benchmarks.Flows;

/// <summary>
/// One direction of <see cref="TcpStreamReassembler"/> with a null consumer, per segment of 1460 bytes:
/// in order (zero copy), swapped pairs, and windows delivered in reverse (buffered, then drained): 16
/// segments, as after a short loss burst, and 256, a long hole (the per-direction cap is 4096 segments).
/// </summary>
public class ReassemblyBenchmarks
{
    private const int SegmentBytes = 1460;
    private const int Segments = 256;

    private readonly ReadOnlyMemory<byte> _payload = new byte[SegmentBytes];
    private readonly IStreamConsumer _consumer = NullStreamConsumer.Instance;
    private readonly NullObserver _observer = new();
    private TcpStreamReassembler _stream = null!;
    private uint _sequence;

    [GlobalSetup]
    public void Setup()
    {
        // One long-lived stream: sequence numbers run on across invocations (and wrap), as in a bulk transfer.
        _stream = new TcpStreamReassembler(Direction.ToServer, new ReassemblyLimits(), new ReassemblyMemory(256L << 20), new SensorCounters());
        _sequence = 1_000;
        _stream.Initialize(_sequence, syn: false);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Segments)]
    public long InOrder()
    {
        for (var i = 0; i < Segments; i++)
        {
            Send(i);
        }

        return Advance();
    }

    [Benchmark(OperationsPerInvoke = Segments)]
    public long OutOfOrderPairs()
    {
        for (var i = 0; i < Segments; i += 2)
        {
            Send(i + 1);
            Send(i);
        }

        return Advance();
    }

    [Benchmark(OperationsPerInvoke = Segments)]
    public long OutOfOrderReversedWindow() => SendReversedWindows(16);

    [Benchmark(OperationsPerInvoke = Segments)]
    public long OutOfOrderReversedWindowLarge() => SendReversedWindows(256);

    private long SendReversedWindows(int window)
    {
        for (var start = 0; start < Segments; start += window)
        {
            for (var i = start + window - 1; i >= start; i--)
            {
                Send(i);
            }
        }

        return Advance();
    }

    private void Send(int index) =>
        _stream.OnSegment(_sequence + (uint)(index * SegmentBytes), _payload, fin: false, _consumer, _observer);

    private long Advance()
    {
        _sequence += Segments * SegmentBytes;
        return _stream.DeliveredBytes;
    }

    private sealed class NullObserver : IStreamObserver
    {
        public void OnStreamAnomaly(AnomalyKind kind, long value)
        {
        }
    }
}
