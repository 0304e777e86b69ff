using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace Sensor.Benchmarks.Config;

/// <summary>What every benchmark gets (style.md 2.8): allocations per op and, for per-frame benchmarks, throughput.</summary>
public static class BenchmarkConfig
{
    /// <summary>Benchmarks whose operation is one frame of all.pcap carry this category and get Mpps and Gbit/s columns.</summary>
    public const string PerFrame = "PerFrame";

    /// <summary>
    /// How long BenchmarkDotNet may take to build a benchmark's boilerplate project. Its default, 2 minutes, was exceeded on
    /// a 2-core machine busy with other builds, and then the whole run stopped with no figures; 15 minutes keeps CI's
    /// dry job (20 minutes in all) from failing on load alone.
    /// </summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    // No job here: the command line (--job Dry, --job short) picks it, and a job in the config would run in addition.
    public static IConfig Create() => ManualConfig.Create(DefaultConfig.Instance)
        .WithBuildTimeout(BuildTimeout)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(PerPacketThroughputColumn.PacketsPerSecond, PerPacketThroughputColumn.GigabitsPerSecond);
}
