using BenchmarkDotNet.Attributes;
using Sensor.Benchmarks.Config;
using Sensor.Capture;
using Sensor.Capture.Files;

namespace Sensor.Benchmarks.Capture;

/// <summary>
/// Reads every record of all.pcap held in memory through <see cref="CaptureFile"/> (format sniffing, buffered
/// reader, record parsing). Per frame; the open cost (reader buffer of the file's size) is spread over its frames.
/// </summary>
[BenchmarkCategory(BenchmarkConfig.PerFrame)]
public class PcapReaderBenchmarks
{
    private const int Frames = 2615; // records in all.pcap; checked in GlobalSetup

    private byte[] _file = [];

    [GlobalSetup]
    public void Setup()
    {
        _file = BenchmarkData.AllPcap;
        if (BenchmarkData.Frames.Length != Frames)
        {
            throw new InvalidOperationException($"all.pcap has {BenchmarkData.Frames.Length} records, expected {Frames}: update Frames");
        }
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long ReadAllRecords()
    {
        using var source = CaptureFile.Open("all.pcap", new MemoryStream(_file, writable: false), _file.Length, out _)!;
        long bytes = 0;
        while (source.Read(out var frame, out _) == ReadResult.Packet)
        {
            bytes += frame.Data.Length;
        }

        return bytes;
    }
}
