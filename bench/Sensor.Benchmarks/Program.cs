using BenchmarkDotNet.Running;
using Sensor.Benchmarks.Config;

namespace Sensor.Benchmarks;

internal static class Program
{
    // The shared config adds the memory diagnoser and per-packet columns to every benchmark; jobs come from the command line.
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
}
