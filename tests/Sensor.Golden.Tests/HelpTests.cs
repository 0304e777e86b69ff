using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary><c>sensor --help</c> names every option the commands accept.</summary>
public sealed class HelpTests
{
    [Fact]
    public void Help_ListsEveryAnalyzeAndCaptureOption()
    {
        var run = SensorCli.Run("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "analyze PATH", "-o FILE", "--keylog FILE", "--config FILE", "capture -i IFACE", "-f BPF", "--snaplen N", "-c COUNT", "--duration SECONDS" })
        {
            Assert.Contains(option, run.Stdout, StringComparison.Ordinal);
        }
    }
}
