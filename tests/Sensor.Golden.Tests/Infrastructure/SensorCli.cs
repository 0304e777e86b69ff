using System.Diagnostics;
using System.Text.Json;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>
/// Runs the real <c>sensor</c> CLI (<c>dotnet sensor.dll ...</c>) as a child process with a time limit,
/// and parses what it wrote to standard output as NDJSON events.
/// </summary>
internal static class SensorCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> s_dll = new(FindDll);

    /// <summary>The sensor.dll copied next to the test assembly (it references Sensor.Host), else the Host's own build output.</summary>
    public static string Dll => s_dll.Value;

    public static string DotnetHost
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            {
                return host;
            }

            var self = Environment.ProcessPath;
            return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    /// <summary>Runs <c>sensor ARGS</c> to completion (killed and failed after <paramref name="timeout"/>).</summary>
    public static SensorRun Run(params string[] args) => Run(args, null, DefaultTimeout);

    public static SensorRun Run(IReadOnlyList<string> args, string? workingDirectory, TimeSpan timeout) =>
        RunProcess(StartInfo(args, workingDirectory), timeout, "sensor " + string.Join(' ', args));

    /// <summary>Runs any prepared process (e.g. the sensor wrapped in <c>unshare</c>) the same way, its streams captured.</summary>
    public static SensorRun RunProcess(ProcessStartInfo info, TimeSpan timeout, string description)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = info.RedirectStandardError = info.RedirectStandardInput = true;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + info.FileName);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
            throw new TimeoutException($"{description} did not finish within {timeout.TotalSeconds:F0} s");
        }

        process.WaitForExit(); // drains the redirected streams
        return new SensorRun(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string FindDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "sensor.dll");
        if (File.Exists(beside))
        {
            return beside;
        }

        var bin = Path.Combine(Repo.Root, "sensor", "Sensor.Host", "bin");
        var built = Directory.Exists(bin)
            ? Directory.GetFiles(bin, "sensor.dll", SearchOption.AllDirectories).Where(p => p.Contains("net10.0", StringComparison.Ordinal)).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return built ?? throw new FileNotFoundException($"sensor.dll is neither in {AppContext.BaseDirectory} nor under {bin}; build sensor/Sensor.Host first");
    }
}

/// <summary>One finished run: exit code, raw streams, and the events parsed from standard output.</summary>
internal sealed class SensorRun
{
    private IReadOnlyList<EveEvent>? _events;

    public SensorRun(int exitCode, string stdout, string stderr)
    {
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
    }

    public int ExitCode { get; }

    public string Stdout { get; }

    public string Stderr { get; }

    public IReadOnlyList<EveEvent> Events => _events ??= EveEvent.ParseNdjson(Stdout);

    public IEnumerable<EveEvent> OfType(string eventType) => Events.Where(e => e.Type == eventType);

    /// <summary>The 5-tuples of the <c>flow</c> events of one protocol (<c>TCP</c>, <c>UDP</c>), sorted, for set comparisons.</summary>
    public IReadOnlyList<string> FlowTuples(string proto) =>
        OfType("flow").Where(e => e.String("proto") == proto).Select(e => FiveTuple.Of(e).ToString()).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    /// <summary>For assertion messages: what the sensor said.</summary>
    public string Describe() => $"exit {ExitCode}; stderr:\n{Stderr}";
}

/// <summary>One NDJSON line of sensor output.</summary>
internal sealed class EveEvent
{
    private EveEvent(string line, JsonElement root)
    {
        Line = line;
        Root = root;
    }

    public string Line { get; }

    public JsonElement Root { get; }

    public string Type => Root.GetProperty("event_type").GetString()!;

    public static IReadOnlyList<EveEvent> ParseNdjson(string text)
    {
        var events = new List<EveEvent>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                events.Add(new EveEvent(line, document.RootElement.Clone()));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"output line {lineNumber} is not one JSON object ({e.Message}): {line}", e);
            }
        }

        return events;
    }

    /// <summary>The element at a dotted path (<c>flow.pkts_toserver</c>), or null.</summary>
    public JsonElement? Get(string path)
    {
        var current = Root;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    public long Long(string path) => Get(path) is { ValueKind: JsonValueKind.Number } n ? n.GetInt64() : throw new KeyNotFoundException($"no number at {path} in {Line}");

    public string? String(string path) => Get(path) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    public override string ToString() => Line;
}
