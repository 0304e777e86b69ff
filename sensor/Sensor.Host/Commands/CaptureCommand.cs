using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Sensor.Capture.Live;
using Sensor.Core.Diagnostics;
using Sensor.Engine;
using Sensor.Host.Cli;
using Sensor.Host.Reporting;
using Sensor.Sinks;

namespace Sensor.Host.Commands;

/// <summary>
/// <c>sensor capture -i IFACE [-f BPF] [-o FILE] [--snaplen N]</c>: live capture through libpcap into the
/// same pipeline as <c>analyze</c>, until Ctrl-C/SIGTERM (or <c>-c</c>/<c>--duration</c>), then a clean flush.
/// </summary>
internal static class CaptureCommand
{
    public const string Usage = "sensor capture -i IFACE [-f BPF] [-o FILE] [--snaplen N] [-c COUNT] [--duration SECONDS] [--config FILE]";

    private static readonly Dictionary<string, string> s_valueOptions = new(StringComparer.Ordinal)
    {
        ["-i"] = "interface", ["--interface"] = "interface", ["-f"] = "filter", ["--filter"] = "filter",
        ["-o"] = "output", ["--output"] = "output", ["--snaplen"] = "snaplen", ["-s"] = "snaplen",
        ["-c"] = "count", ["--count"] = "count", ["--duration"] = "duration", ["--config"] = "config",
    };

    public static int Run(IReadOnlyList<string> args, TextWriter error)
    {
        var line = CommandLine.Parse(args, s_valueOptions, new HashSet<string>(StringComparer.Ordinal), out var parseError);
        var iface = line?.Value("interface");
        if (line is null || iface is null || line.Positional.Count > 0)
        {
            error.WriteLine($"sensor capture: {parseError ?? (iface is null ? "no interface given (-i IFACE)" : "unexpected argument " + line!.Positional[0])}");
            error.WriteLine("usage: " + Usage);
            return 2;
        }

        var snaplen = ParseOrDefault(line.Value("snaplen"), 262144, 64, 262144, "--snaplen", error);
        var count = ParseOrDefault(line.Value("count"), 0, 1, long.MaxValue, "-c", error);
        var duration = ParseOrDefault(line.Value("duration"), 0, 1, 31_536_000, "--duration", error);
        var config = Startup.LoadConfig(line.Value("config"), error);
        if (snaplen < 0 || count < 0 || duration < 0 || config is null)
        {
            return 2;
        }

        var capture = new CaptureCounters();
        using var live = LiveCapture.Open(
            new LiveCaptureOptions
            {
                Interface = iface,
                Filter = line.Value("filter"),
                SnapLength = (int)snaplen,
                KernelBufferBytes = config.CaptureBufferBytes,
                QueueCapacity = config.CaptureQueuePackets,
            },
            capture,
            out var openError);
        if (live is null)
        {
            error.WriteLine("sensor capture: " + openError);
            return 1;
        }

        using var output = OutputTarget.Open(line.Value("output"), error);
        if (output is null)
        {
            return 2;
        }

        using var sink = new EveJsonEventSink(output, new SensorInfo(config.SensorName, SensorInfo.ModeLive));
        var processor = Pipeline.Create(config, EventTypeFilterSink.Wrap(sink, config.EveTypes), capture, error);
        if (processor is null)
        {
            return 2;
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        var clock = Stopwatch.StartNew();
        live.Start();
        error.WriteLine($"sensor capture: capturing on {live.Name} (link type {(int)live.LinkType}){(line.Value("filter") is { } f ? $", filter '{f}'" : "")}; Ctrl-C to stop");
        var nextStats = config.StatsIntervalSeconds * 1000L;
        long frames = 0;
        while (!live.IsDrained)
        {
            var stopping = stop.IsCancellationRequested || (count > 0 && frames >= count) || (duration > 0 && clock.Elapsed.TotalSeconds >= duration);
            if (stopping)
            {
                live.Stop(); // queued frames are still drained below
            }

            if (live.TryTake(out var frame, stopping ? 0 : 200))
            {
                if (count > 0 && frames >= count)
                {
                    // -c COUNT means COUNT frames analysed (tcpdump -c): frames queued behind the last one are dropped unread.
                    frame.Return();
                    continue;
                }

                frames++;
                processor.Process(live.LinkType, frame.TimestampMicros, frame.Data);
                if (frame.Length < frame.OriginalLength)
                {
                    processor.ReportCaptureAnomaly(AnomalyKind.CaptureSnapLengthTruncated, live.Name);
                }

                frame.Return();
            }

            if (clock.ElapsedMilliseconds >= nextStats)
            {
                nextStats += config.StatsIntervalSeconds * 1000L;
                live.RefreshStatistics();
                processor.WriteStats(final: false);
                sink.Flush();
            }
        }

        Console.CancelKeyPress -= onCancel;
        live.RefreshStatistics();
        var queueDrops = Interlocked.Read(ref capture.QueueDrops);
        for (long i = 0; i < Math.Min(queueDrops, 1); i++)
        {
            processor.ReportCaptureAnomaly(AnomalyKind.CaptureQueueFull, live.Name);
        }

        processor.Finish();
        sink.Flush();
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"libpcap: {capture.KernelPackets:N0} received, {capture.KernelDrops:N0} dropped by the kernel, {capture.KernelInterfaceDrops:N0} by the interface; {queueDrops:N0} dropped at the worker queue"),
        };
        RunSummary.Write(error, processor.Counters, capture, clock.Elapsed, processor.NowMicros - processor.FirstMicros, notes);
        return 0;
    }

    private static long ParseOrDefault(string? text, long fallback, long min, long max, string name, TextWriter error)
    {
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        error.WriteLine($"sensor capture: {name} expects a whole number from {min} to {max}");
        return -1;
    }
}
