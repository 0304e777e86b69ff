using System.Net;
using System.Text;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Detectors;
using Sensor.Host.Cli;
using Sensor.Sinks;

namespace Sensor.Host.Commands;

/// <summary>
/// <c>sensor scan FILE|-</c>: the detectors over a text, JSON or raw HTTP message (file or standard input), printing
/// <c>finding</c> events as NDJSON, the way analysts try gitleaks rules on samples. Exit code 1 when something was found.
/// </summary>
internal static class ScanCommand
{
    public const string Usage = "sensor scan FILE|- [-o FILE] [--config FILE]";

    /// <summary>Input read at most: well above the bodies the sensor keeps per exchange, small enough to hold in memory.</summary>
    public const int MaxScanBytes = 64 * 1024 * 1024;

    /// <summary>Where a plain (non-HTTP) input's findings are located.</summary>
    public const string FileLocation = "file";

    private static readonly Dictionary<string, string> s_valueOptions = new(StringComparer.Ordinal)
    {
        ["-o"] = "output", ["--output"] = "output", ["--config"] = "config", ["-c"] = "config",
    };

    /// <summary>Exit codes: 0 nothing found, 1 findings written, 2 usage, config or input error.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter error, Stream? standardInput = null, Stream? standardOutput = null)
    {
        var line = CommandLine.Parse(args, s_valueOptions, new HashSet<string>(StringComparer.Ordinal), out var parseError);
        if (line is null || line.Positional.Count != 1)
        {
            error.WriteLine($"sensor scan: {parseError ?? "give one FILE, or - for standard input"}");
            error.WriteLine("usage: " + Usage);
            return 2;
        }

        var config = Startup.LoadConfig(line.Value("config"), error);
        var detectors = config is null ? null : DetectorSetup.Create(config.Detectors with { Enabled = true }, error);
        if (config is null || detectors is null)
        {
            return 2;
        }

        var input = Read(line.Positional[0], standardInput, error);
        if (input is null)
        {
            return 2;
        }

        var output = line.Value("output") is { } path ? OutputTarget.Open(path, error) : standardOutput ?? Console.OpenStandardOutput();
        if (output is null)
        {
            return 2;
        }

        using var sink = new EveJsonEventSink(output, new SensorInfo(config.SensorName, "scan"));
        var recorder = new Counting(sink);
        var inspector = new SecretInspector(detectors.Pack!, detectors.Formatter!, recorder);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        if (RawHttpMessage.TryParse(input, out var message))
        {
            message.Inspect(inspector, now);
        }
        else
        {
            inspector.Inspect(null, Direction.ToServer, FileLocation, null, null, now, input);
        }

        sink.Flush();
        return recorder.Findings > 0 ? 1 : 0;
    }

    private static byte[]? Read(string path, Stream? standardInput, TextWriter error)
    {
        try
        {
            using var stream = path == "-" ? standardInput ?? Console.OpenStandardInput() : File.OpenRead(path);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + n > MaxScanBytes)
                {
                    error.WriteLine($"sensor scan: input larger than {MaxScanBytes} bytes; scanning the first {MaxScanBytes}");
                    buffer.Write(chunk, 0, (int)(MaxScanBytes - buffer.Length));
                    break;
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"sensor scan: cannot read {path} ({e.GetType().Name})");
            return null;
        }
    }

    private sealed class Counting(IEventSink inner) : IEventSink
    {
        public int Findings { get; private set; }

        public void Write(SensorEvent sensorEvent)
        {
            if (sensorEvent is FindingEvent)
            {
                Findings++;
            }

            inner.Write(sensorEvent);
        }

        public void Flush() => inner.Flush();
    }
}

/// <summary>A raw HTTP/1.x request or response as saved by curl -v, Burp or a proxy: start line, headers, body (chunked undone).</summary>
internal sealed class RawHttpMessage
{
    /// <summary>Header lines read at most (HTTP servers commonly refuse more than 100).</summary>
    private const int MaxHeaders = 256;

    private static readonly FlowIdentity s_placeholderFlow = new(0, 6, IPAddress.None, 0, IPAddress.None, 0, "");

    private RawHttpMessage(bool request, string? target, List<HttpHeader> headers, byte[] body)
    {
        IsRequest = request;
        Target = target;
        Headers = headers;
        Body = body;
    }

    public bool IsRequest { get; }

    public string? Target { get; }

    public List<HttpHeader> Headers { get; }

    public byte[] Body { get; }

    public static bool TryParse(byte[] input, out RawHttpMessage message)
    {
        message = null!;
        var text = input.AsSpan();
        var end = text.IndexOf("\n"u8);
        if (end < 0)
        {
            return false;
        }

        var start = Encoding.Latin1.GetString(text[..end]).TrimEnd('\r');
        var parts = start.Split(' ', 3);
        bool request;
        if (parts.Length == 3 && parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) && parts[0].Length > 0 && parts[0].All(char.IsAsciiLetterUpper))
        {
            request = true;
        }
        else if (parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal) && parts[1].Length == 3 && parts[1].All(char.IsAsciiDigit))
        {
            request = false;
        }
        else
        {
            return false;
        }

        var headers = new List<HttpHeader>();
        var position = end + 1;
        while (position < text.Length && headers.Count < MaxHeaders)
        {
            var next = text[position..].IndexOf("\n"u8);
            var lineEnd = next < 0 ? text.Length : position + next;
            var line = Encoding.Latin1.GetString(text[position..lineEnd]).TrimEnd('\r');
            position = next < 0 ? text.Length : lineEnd + 1;
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new HttpHeader(line[..colon].Trim().ToLowerInvariant(), line[(colon + 1)..].Trim()));
            }
        }

        var body = text[Math.Min(position, text.Length)..].ToArray();
        if (headers.Exists(h => h.Name == "transfer-encoding" && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Dechunk(body);
        }

        message = new RawHttpMessage(request, request ? parts[1] : null, headers, body);
        return true;
    }

    public void Inspect(SecretInspector inspector, long now)
    {
        var direction = IsRequest ? Direction.ToServer : Direction.ToClient;
        var host = Headers.Find(h => h.Name == "host").Value;
        var exchange = new HttpExchange(s_placeholderFlow, "HTTP/1.1", 0) { Host = host?.Split(':')[0], Target = Target };
        if (Target is not null)
        {
            inspector.Inspect(null, direction, PayloadLocation.RequestUrl, exchange, null, now, Encoding.Latin1.GetBytes(Target));
        }

        foreach (var header in Headers)
        {
            var location = IsRequest ? PayloadLocation.RequestHeader(header.Name) : PayloadLocation.ResponseHeader(header.Name);
            inspector.Inspect(null, direction, location, exchange, null, now, Encoding.Latin1.GetBytes(header.Value));
        }

        var contentType = Headers.Find(h => h.Name == "content-type").Value;
        inspector.Inspect(null, direction, IsRequest ? PayloadLocation.RequestBody : PayloadLocation.ResponseBody, exchange, contentType, now, Body);
    }

    /// <summary>Undoes chunked transfer coding (RFC 9112 7.1); a malformed size ends the body there.</summary>
    private static byte[] Dechunk(byte[] body)
    {
        var output = new MemoryStream();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = Array.IndexOf(body, (byte)'\n', position);
            if (lineEnd < 0)
            {
                break;
            }

            var sizeText = Encoding.Latin1.GetString(body, position, lineEnd - position).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var size) || size <= 0)
            {
                break;
            }

            position = lineEnd + 1;
            var take = Math.Min(size, body.Length - position);
            output.Write(body, position, take);
            position += take + 2;
        }

        return output.ToArray();
    }
}
