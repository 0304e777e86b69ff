using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace Sensor.Benchmarks.Config;

/// <summary>What every benchmark gets (style.md 2.8): allocations per op and, for per-frame benchmarks, throughput.</summary>
public static class BenchmarkConfig
{
    /// <summary>Benchmarks whose operation is one frame of all.pcap carry this category and get Mpps and Gbit/s columns.</summary>
    public const string PerFrame = "PerFrame";

    // No job here: the command line (--job Dry, --job short) picks it, and a job in the config would run in addition.
    public static IConfig Create() => DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(PerPacketThroughputColumn.PacketsPerSecond, PerPacketThroughputColumn.GigabitsPerSecond);
}
