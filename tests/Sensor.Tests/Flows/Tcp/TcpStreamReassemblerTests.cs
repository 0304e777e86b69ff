using Sensor.Core.Diagnostics;
using Sensor.Core.Streams;
using Sensor.Flows.Tcp;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Flows.Tcp;

/// <summary>One direction's reassembler on its own, for the caps and the memory they bound.</summary>
public class TcpStreamReassemblerTests
{
    private sealed class RecordingObserver : IStreamObserver
    {
        public List<(AnomalyKind Kind, long Value)> Anomalies { get; } = [];

        public void OnStreamAnomaly(AnomalyKind kind, long value) => Anomalies.Add((kind, value));
    }

    private readonly RecordingConsumer _consumer = new();
    private readonly RecordingObserver _observer = new();
    private readonly SensorCounters _counters = new();

    private TcpStreamReassembler Create(ReassemblyLimits limits, ReassemblyMemory? memory = null, uint isn = 0)
    {
        var reassembler = new TcpStreamReassembler(Direction.ToServer, limits, memory ?? new ReassemblyMemory(long.MaxValue), _counters);
        reassembler.Initialize(isn, syn: false);
        return reassembler;
    }

    private void Segment(TcpStreamReassembler reassembler, long offset, byte[] data, bool fin = false) =>
        reassembler.OnSegment((uint)offset, data, fin, _consumer, _observer);

    [Fact]
    public void OnSegment_ManySmallHolesThenLargeSegments_BufferedBytesNeverAbovePerDirectionCap()
    {
        const int cap = 1000;
        var reassembler = Create(new ReassemblyLimits { MaxBufferedBytesPerDirection = cap });

        // 1-byte segments at 2, 4, ..., 1998: 999 bytes held behind 999 holes.
        for (var k = 1; k < 1000; k++)
        {
            Segment(reassembler, 2 * k, [(byte)k]);
        }

        Assert.Equal(999, reassembler.BufferedBytes);

        // Then 500-byte segments further on, each past the cap.
        for (var j = 0; j < 50; j++)
        {
            Segment(reassembler, 10_000 + (j * 600), Frames.Payload(500, j));
            Assert.True(reassembler.BufferedBytes <= cap, $"after segment {j}: {reassembler.BufferedBytes} bytes buffered, cap {cap}");
        }

        Assert.Contains(_observer.Anomalies, a => a.Kind == AnomalyKind.TcpStreamMemcap);
        Assert.Empty(_consumer.Violations);
    }

    [Fact]
    public void OnSegment_SegmentLargerThanCap_DeliveredPastTheHoleInsteadOfBuffered()
    {
        var reassembler = Create(new ReassemblyLimits { MaxBufferedBytesPerDirection = 100 });
        var big = Frames.Payload(300, 1);

        Segment(reassembler, 50, big);

        Assert.Equal(["ToServer gap 50", "ToServer data 300"], _consumer.Log);
        Assert.Equal(0, reassembler.BufferedBytes);
        Assert.Equal(350, reassembler.DeliveredBytes);
    }

    [Fact]
    public void OnSegment_MoreSegmentsThanCap_SegmentsCapAnomalyAndGaps()
    {
        var reassembler = Create(new ReassemblyLimits { MaxSegmentsPerDirection = 10 });

        for (var k = 1; k <= 30; k++)
        {
            Segment(reassembler, 2 * k, [(byte)k]);
        }

        Assert.Contains(_observer.Anomalies, a => a.Kind == AnomalyKind.TcpSegmentsCap);
        Assert.True(reassembler.BufferedBytes <= 10);
        reassembler.Finish(EndReason.EndOfInput, _consumer, _observer);

        // Every byte sent is either delivered or counted as a gap; nothing is delivered twice.
        Assert.Equal(Enumerable.Range(1, 30).Select(k => (byte)k), _consumer.Bytes(Direction.ToServer));
        Assert.Equal(31, _consumer.Gaps(Direction.ToServer).Sum()); // offsets 0-1 and every odd offset up to 59
    }

    [Fact]
    public void OnSegment_GlobalMemcap_DropsSegmentAndReleasesOnFinish()
    {
        var memory = new ReassemblyMemory(256);
        var reassembler = Create(new ReassemblyLimits(), memory);

        for (var k = 0; k < 10; k++)
        {
            Segment(reassembler, 100 + (k * 100), Frames.Payload(100, k));
            Assert.True(memory.InUse <= memory.Cap);
        }

        Assert.Contains(_observer.Anomalies, a => a.Kind == AnomalyKind.TcpGlobalMemcap);
        reassembler.Finish(EndReason.EndOfInput, _consumer, _observer);
        reassembler.Release();

        Assert.Equal(0, memory.InUse);
        Assert.Equal(EndReason.EndOfInput, _consumer.End(Direction.ToServer));
    }

    [Fact]
    public void Release_WithBufferedSegments_ReturnsAllReservedMemory()
    {
        var memory = new ReassemblyMemory(1 << 20);
        var reassembler = Create(new ReassemblyLimits(), memory);
        Segment(reassembler, 10, Frames.Payload(100));
        Segment(reassembler, 300, Frames.Payload(1000));
        Assert.True(memory.InUse >= 1100);

        reassembler.Release();

        Assert.Equal(0, memory.InUse);
        Assert.Equal(0, reassembler.BufferedBytes);
    }

    [Fact]
    public void OnSegment_WrapAroundOutOfOrder_SameBytes()
    {
        var reassembler = Create(new ReassemblyLimits(), isn: 0xFFFF_FFF0);
        var data = Frames.Payload(64, 7);

        reassembler.OnSegment(0x0000_0010, data.AsMemory(32, 32), true, _consumer, _observer);  // after the wrap, with FIN
        reassembler.OnSegment(0xFFFF_FFF0, data.AsMemory(0, 16), false, _consumer, _observer);   // before it
        reassembler.OnSegment(0x0000_0000, data.AsMemory(16, 16), false, _consumer, _observer); // exactly at 0

        Assert.Equal(data, _consumer.Bytes(Direction.ToServer));
        Assert.Equal(EndReason.Fin, _consumer.End(Direction.ToServer));
    }
}
