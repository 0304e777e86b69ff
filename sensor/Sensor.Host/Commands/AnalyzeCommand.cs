using System.Diagnostics;
using Sensor.Capture;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Engine;
using Sensor.Host.Cli;
using Sensor.Host.Configuration;
using Sensor.Host.Reporting;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Sinks;
using Sensor.Tenancy.Features;

namespace Sensor.Host.Commands;

/// <summary><c>sensor analyze PATH... [-o FILE] [--keylog FILE] [--config FILE]</c>: offline analysis of capture files.</summary>
internal static class AnalyzeCommand
{
    public const string Usage = "sensor analyze PATH... [-o FILE] [--keylog FILE] [--config FILE] [--quiet] [--spine-only | --metadata-only] [--features FILE [--labels FILE]]";

    private static readonly Dictionary<string, string> s_valueOptions = new(StringComparer.Ordinal)
    {
        ["-o"] = "output", ["--output"] = "output", ["--keylog"] = "keylog", ["--config"] = "config", ["-c"] = "config",
        ["--features"] = "features", ["--labels"] = "labels",
    };

    private static readonly HashSet<string> s_flags = new(StringComparer.Ordinal) { "--quiet", "-q", "--spine-only", "--metadata-only" };

    /// <summary>Exit codes: 0 when at least one input was read, 1 when none could be, 2 for usage or config errors.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter error)
    {
        var line = CommandLine.Parse(args, s_valueOptions, s_flags, out var parseError);
        if (line is null || line.Positional.Count == 0)
        {
            error.WriteLine($"sensor analyze: {parseError ?? "no capture file given"}");
            error.WriteLine("usage: " + Usage);
            return 2;
        }

        var config = Startup.LoadConfig(line.Value("config"), error);
        if (config is null)
        {
            return 2;
        }

        if (line.Flag("--spine-only"))
        {
            config = config with { AppLayer = false };
        }

        if (line.Flag("--metadata-only"))
        {
            config = config with { PayloadParsing = false };
        }

        var notes = new List<string>();
        var keys = new TlsKeyStore(); // several --keylog files and the captures' secrets blocks merge here
        foreach (var keylog in line.Values("keylog"))
        {
            var described = KeyLogFiles.Load(keylog, keys, out var keyError);
            if (described is null)
            {
                error.WriteLine("sensor analyze: " + keyError);
                return 2;
            }

            notes.Add(described);
        }

        if (!config.PayloadParsing && notes.Count > 0)
        {
            notes.Add("--metadata-only: the key logs are not used (no payload is decrypted or parsed)");
        }

        var inputErrors = new List<string>();
        var files = CaptureFile.Expand(line.Positional, inputErrors);
        foreach (var message in inputErrors)
        {
            error.WriteLine("sensor analyze: " + message);
        }

        using var output = OutputTarget.Open(line.Value("output"), error);
        if (output is null)
        {
            return 2;
        }

        using var features = FeatureExport.Open(line.Value("features"), line.Value("labels"), error);
        if (features is null)
        {
            return 2;
        }

        using var sink = new EveJsonEventSink(output, new SensorInfo(config.SensorName, SensorInfo.ModePcap));
        var written = EventTypeFilterSink.Wrap(sink, config.EveTypes);
        var capture = new CaptureCounters();
        var processor = Pipeline.Create(config, written, capture, error, keys, features.Rows);
        if (processor is null)
        {
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var progress = line.Flag("--quiet") || line.Flag("-q") ? null : ProgressBar.CreateIfUseful(error, files.Sum(SafeLength));
        long bytesBefore = 0;
        var secrets = new SecretsSeen();
        foreach (var file in files)
        {
            using var source = CaptureFile.Open(file, out var openError);
            if (source is null)
            {
                capture.FilesFailed++;
                error.WriteLine("sensor analyze: " + openError);
                continue;
            }

            features.Capture = Path.GetFileNameWithoutExtension(file);
            Pump(source, processor, progress, bytesBefore, keys, secrets);
            capture.FilesRead++;
            bytesBefore += SafeLength(file);
        }

        progress?.Clear();
        if (secrets.Blocks > 0)
        {
            notes.Add($"{secrets.Blocks} pcapng Decryption Secrets Block(s): {secrets.Loaded.Secrets} secrets for {secrets.Loaded.Sessions} sessions " +
                      $"({secrets.Loaded.Used} used for decryption), {secrets.Loaded.Malformed} malformed lines");
        }

        processor.Finish();
        sink.Flush();
        if (written is EventTypeFilterSink { Dropped: > 0 } filter)
        {
            notes.Add($"eve.types: {filter.Dropped:N0} events of unlisted types were counted above but not written");
        }

        features.Describe(notes);
        RunSummary.Write(error, processor.Counters, capture, clock.Elapsed, processor.NowMicros - processor.FirstMicros, notes);
        if (capture.FilesRead == 0)
        {
            error.WriteLine("sensor analyze: no input could be read");
            return 1;
        }

        return 0;
    }

    /// <summary>
    /// Reads every frame of one source into the processor; source problems become anomalies. pcapng Decryption Secrets
    /// Blocks go into <paramref name="keys"/> as soon as the reader has passed them, so the packets after them can use them.
    /// </summary>
    internal static void Pump(IPacketSource source, PacketProcessor processor, ProgressBar? progress, long bytesBefore, TlsKeyStore? keys = null, SecretsSeen? secrets = null)
    {
        var counter = 0;
        var secretBlocks = 0;
        while (true)
        {
            var result = source.Read(out var frame, out var anomaly);
            if (keys is not null && source.DecryptionSecrets.Count > secretBlocks)
            {
                for (; secretBlocks < source.DecryptionSecrets.Count; secretBlocks++)
                {
                    var loaded = KeyLogFiles.Add(source.DecryptionSecrets[secretBlocks], keys);
                    if (secrets is not null)
                    {
                        secrets.Blocks++;
                        secrets.Loaded += loaded;
                    }
                }
            }

            if (result == ReadResult.Packet)
            {
                processor.Process(frame.LinkType, frame.TimestampMicros, frame.Data);
                if (frame.Data.Length < frame.OriginalLength)
                {
                    processor.ReportCaptureAnomaly(AnomalyKind.CaptureSnapLengthTruncated, source.Name);
                }

                if (progress is not null && (++counter & 0xFFF) == 0)
                {
                    progress.Update(bytesBefore + source.Position, processor.Counters.Packets, processor.Flows.Count);
                }
            }
            else if (result == ReadResult.Anomaly)
            {
                processor.ReportCaptureAnomaly(anomaly, source.Name);
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>What the captures' Decryption Secrets Blocks held, for the summary.</summary>
    internal sealed class SecretsSeen
    {
        public int Blocks { get; set; }

        public KeyLogLoadResult Loaded { get; set; }
    }

    private static long SafeLength(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
