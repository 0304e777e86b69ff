using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>A directed 5-tuple: the client is the source (as events.md puts the client in <c>src</c>).</summary>
internal sealed record FiveTuple(string Proto, IPAddress SourceIp, int SourcePort, IPAddress DestinationIp, int DestinationPort)
{
    /// <summary>Parses the labels' form: <c>tcp 127.0.0.1:51036 -> 127.10.1.23:443</c> or <c>tcp [::1]:54290 -> [::1]:443</c>.</summary>
    public static FiveTuple Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4 || parts[2] != "->")
        {
            throw new FormatException("not a five_tuple: " + text);
        }

        var (sourceIp, sourcePort) = ParseEndpoint(parts[1]);
        var (destinationIp, destinationPort) = ParseEndpoint(parts[3]);
        return new FiveTuple(parts[0].ToLowerInvariant(), sourceIp, sourcePort, destinationIp, destinationPort);
    }

    /// <summary>The tuple an event carries (<c>proto</c>, <c>src_ip</c>, <c>src_port</c>, <c>dest_ip</c>, <c>dest_port</c>).</summary>
    public static FiveTuple Of(EveEvent e) => new(
        e.String("proto")!.ToLowerInvariant(),
        IPAddress.Parse(e.String("src_ip")!),
        (int)e.Long("src_port"),
        IPAddress.Parse(e.String("dest_ip")!),
        (int)e.Long("dest_port"));

    public byte ProtocolNumber => Proto switch
    {
        "tcp" => 6,
        "udp" => 17,
        _ => throw new NotSupportedException(Proto),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Proto} {Format(SourceIp)}:{SourcePort} -> {Format(DestinationIp)}:{DestinationPort}");

    private static string Format(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static (IPAddress, int) ParseEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        var host = text[..colon].Trim('[', ']');
        return (IPAddress.Parse(host), int.Parse(text[(colon + 1)..], CultureInfo.InvariantCulture));
    }
}

/// <summary>A <c>*.labels.json</c> file (shared/pcaps/README.md, "Labels format"): only the fields these tests use.</summary>
internal sealed record LabelFile(string Pcap, string? Keylog, IReadOnlyList<LabelFlow> Flows, IReadOnlyList<LabelDns> Dns)
{
    private static readonly JsonSerializerOptions s_options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static LabelFile Load(string path) =>
        JsonSerializer.Deserialize<LabelFile>(File.ReadAllText(path), s_options) ?? throw new InvalidDataException("empty labels file " + path);

    /// <summary>The labelled TCP connections of some labels files, as sorted 5-tuple strings (cf. <see cref="SensorRun.FlowTuples"/>).</summary>
    public static IReadOnlyList<string> TcpTuples(IEnumerable<LabelFile> files) =>
        files.SelectMany(f => f.Flows).Select(f => f.Tuple.ToString()).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every labels file beside the shared captures (one per scenario, plus <c>labels.json</c> for <c>all.pcap</c>).</summary>
    public static IReadOnlyList<string> All() =>
        Directory.GetFiles(Repo.Pcaps, "*labels.json").OrderBy(p => p, StringComparer.Ordinal).ToList();
}

/// <summary>One labelled TCP connection: <c>packets</c> counts both directions, <c>bytes_*</c> are TCP payload bytes.</summary>
internal sealed record LabelFlow(string Scenario, int TcpStream, string FiveTuple, long Packets, long BytesC2s, long BytesS2c, double FirstTs, double LastTs)
{
    /// <summary>The server name the client asked for (SNI, or the Host of plaintext HTTP); null for pooled connections never used.</summary>
    public string? Host { get; init; }

    /// <summary>The vendor id (<c>anthropic</c>, <c>notion</c>...), <c>none</c> for non-AI hosts, <c>unknown</c> for untrusted MCP servers.</summary>
    public string Vendor { get; init; } = "none";

    public bool IsAi { get; init; }

    public bool IsMcp { get; init; }

    /// <summary>What the clear part of the TLS handshake showed; null for plaintext flows.</summary>
    public LabelTls? Tls { get; init; }

    public FiveTuple Tuple => Infrastructure.FiveTuple.Parse(FiveTuple);

    public long FirstMicros => (long)Math.Round(FirstTs * 1e6);

    public long LastMicros => (long)Math.Round(LastTs * 1e6);
}

/// <summary>A labelled flow's TLS handshake (Wireshark 4.0 JA3; JA4 from the labelling tool; <c>version</c> as <c>TLSv1.3</c>).</summary>
internal sealed record LabelTls(string Sni, IReadOnlyList<string> AlpnOffered, string Ja3, string Ja3Full, string Ja4, IReadOnlyList<string> OfferedVersions, string Version, string CipherSuite, string? AlpnSelected);

/// <summary>One labelled DNS query (its UDP 5-tuple; A and AAAA queries may share one) and the answer it got.</summary>
internal sealed record LabelDns(double Ts, string FiveTuple, string Qname, string Qtype)
{
    public int Txid { get; init; }

    /// <summary>NOERROR, NXDOMAIN...; null when no answer was captured.</summary>
    public string? Rcode { get; init; }

    /// <summary>The answer records' data (addresses for A/AAAA), in answer order.</summary>
    public IReadOnlyList<string> Answers { get; init; } = [];

    public FiveTuple Tuple => Infrastructure.FiveTuple.Parse(FiveTuple);
}
