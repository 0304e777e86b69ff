using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Sensor.Benchmarks.Config;

/// <summary>
/// Turns the mean time of a per-frame benchmark into Mpps and Gbit/s (frame bytes of all.pcap, no pcap headers),
/// the units the end-to-end harness (bench/throughput) and ndpiReader report.
/// </summary>
public sealed class PerPacketThroughputColumn : IColumn
{
    public static readonly IColumn PacketsPerSecond = new PerPacketThroughputColumn("Mpps", gigabits: false);
    public static readonly IColumn GigabitsPerSecond = new PerPacketThroughputColumn("Gbit/s", gigabits: true);

    private readonly bool _gigabits;

    private PerPacketThroughputColumn(string name, bool gigabits)
    {
        ColumnName = name;
        _gigabits = gigabits;
    }

    public string Id => nameof(PerPacketThroughputColumn) + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _gigabits ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _gigabits
        ? "Frame bits per nanosecond of one core, at the mean time per frame of all.pcap"
        : "Million frames per second of one core, at the mean time per frame";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (nanoseconds is not > 0 || !benchmarkCase.Descriptor.Categories.Contains(BenchmarkConfig.PerFrame))
        {
            return "-";
        }

        // 1 frame per ns is 1000 Mpps; bytes*8 per ns is Gbit/s.
        var value = _gigabits ? BenchmarkData.AverageFrameBytes * 8 / nanoseconds.Value : 1000 / nanoseconds.Value;
        return value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    // Only the tables of per-frame benchmarks get these columns.
    public bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(static b => b.Descriptor.Categories.Contains(BenchmarkConfig.PerFrame));
}
