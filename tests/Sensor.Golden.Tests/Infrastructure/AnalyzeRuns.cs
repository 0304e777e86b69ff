using System.Collections.Concurrent;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>
/// <c>sensor analyze --quiet FILE</c>, run at most once per file for the whole test assembly: the test classes of one
/// capture (flows, fingerprints, attribution) share one run instead of each starting the sensor again.
/// </summary>
internal static class AnalyzeRuns
{
    private static readonly ConcurrentDictionary<string, Lazy<SensorRun>> s_runs = new(StringComparer.Ordinal);

    public static SensorRun Of(string capture) =>
        s_runs.GetOrAdd(Path.GetFullPath(capture), path => new Lazy<SensorRun>(() => SensorCli.Run("analyze", "--quiet", path))).Value;
}
