using BenchmarkDotNet.Attributes;
using Sensor.Benchmarks.Config;
using Sensor.Decode.Link;
using Sensor.Engine;

namespace Sensor.Benchmarks.Pipeline;

/// <summary>
/// The dashboard number (style.md 2.8): every frame of all.pcap, from memory, through a fresh
/// <see cref="PacketProcessor"/> (decode, defrag, flows, TCP reassembly) with a null event sink, then
/// <see cref="PacketProcessor.Finish"/>. Per frame; flow creation and flow events are spread over the frames.
/// </summary>
[BenchmarkCategory(BenchmarkConfig.PerFrame)]
public class PcapReplayBenchmarks
{
    private const int Frames = 2615; // records in all.pcap; checked in GlobalSetup

    private BenchmarkData.Frame[] _frames = [];
    private readonly EngineOptions _options = new();

    [GlobalSetup]
    public void Setup()
    {
        _frames = BenchmarkData.Frames;
        if (_frames.Length != Frames)
        {
            throw new InvalidOperationException($"all.pcap has {_frames.Length} records, expected {Frames}: update Frames");
        }
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long ReplayAllPcap()
    {
        var processor = new PacketProcessor(_options, NullEventSink.Instance);
        foreach (var frame in _frames)
        {
            processor.Process(LinkType.Ethernet, frame.TimestampMicros, frame.Data);
        }

        processor.Finish();
        return processor.Counters.TcpBytesDelivered;
    }
}
