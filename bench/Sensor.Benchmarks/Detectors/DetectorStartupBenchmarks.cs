using BenchmarkDotNet.Attributes;
using Sensor.Detectors;
using Sensor.Detectors.Rules;

namespace Sensor.Benchmarks.Detectors;

/// <summary>
/// Start-up cost of the shipped pack: <c>Load</c> is what `sensor analyze` pays before the first packet (rules parsed,
/// keyword filter built; regexes are built on a rule's first window), <c>LoadAndBuildEveryRegex</c> adds every rule's
/// NonBacktracking Regex, which is what loading cost when they were all built eagerly.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "BenchmarkDotNet runs instance methods")]
public class DetectorStartupBenchmarks
{
    [Benchmark(Baseline = true)]
    public int Load() => LoadPack().Rules.Count;

    [Benchmark]
    public int LoadAndBuildEveryRegex()
    {
        var pack = LoadPack();
        return pack.Rules.Count(r => r.Pattern is not null) + pack.Rules.Count(r => r.SecretPattern is not null);
    }

    private static RulePack LoadPack()
    {
        var errors = new List<string>();
        return RulePack.Load([DetectorThroughputBenchmarks.FindRules()], new DetectorOptions(), errors) ?? throw new InvalidOperationException(string.Join("\n", errors));
    }
}
