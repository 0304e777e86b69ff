using BenchmarkDotNet.Attributes;
using Sensor.Benchmarks.Config;
using Sensor.Capture;
using Sensor.Capture.Files;

namespace Sensor.Benchmarks.Capture;

/// <summary>
/// Reads every record of a pcap held in memory through <see cref="CaptureFile"/> (format sniffing, buffered
/// reader, record parsing). Per frame; the open cost (a reader buffer of the file's size, at most 4 MiB) is
/// spread over the file's frames: all.pcap alone, and all.pcap's records 32 times (the large-file steady state).
/// </summary>
[BenchmarkCategory(BenchmarkConfig.PerFrame)]
public class PcapReaderBenchmarks
{
    private const int Frames = 2615; // records in all.pcap; checked in GlobalSetup
    private const int Copies = 32;

    private byte[] _file = [];
    private byte[] _largeFile = [];

    [GlobalSetup]
    public void Setup()
    {
        _file = BenchmarkData.AllPcap;
        _largeFile = BenchmarkData.AllPcapRepeated(Copies);
        if (BenchmarkData.Frames.Length != Frames)
        {
            throw new InvalidOperationException($"all.pcap has {BenchmarkData.Frames.Length} records, expected {Frames}: update Frames");
        }
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long ReadAllRecords() => ReadAll(_file);

    [Benchmark(OperationsPerInvoke = Frames * Copies)]
    public long ReadRecordsLargeFile() => ReadAll(_largeFile);

    private static long ReadAll(byte[] file)
    {
        using var source = CaptureFile.Open("all.pcap", new MemoryStream(file, writable: false), file.Length, out _)!;
        long bytes = 0;
        while (source.Read(out var frame, out _) == ReadResult.Packet)
        {
            bytes += frame.Data.Length;
        }

        return bytes;
    }
}
