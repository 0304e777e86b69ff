using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>A flow named without its direction: protocol and both endpoints in a fixed order (oracles and the sensor may disagree on who is the client).</summary>
internal readonly record struct FlowKey(string Text)
{
    public static FlowKey Of(string proto, string addressA, int portA, string addressB, int portB)
    {
        var a = $"{IPAddress.Parse(addressA)}#{portA.ToString(CultureInfo.InvariantCulture)}";
        var b = $"{IPAddress.Parse(addressB)}#{portB.ToString(CultureInfo.InvariantCulture)}";
        return new FlowKey($"{proto.ToLowerInvariant()} {(string.CompareOrdinal(a, b) <= 0 ? a + " " + b : b + " " + a)}");
    }

    public static FlowKey Of(EveEvent e) => Of(e.String("proto")!, e.String("src_ip")!, (int)e.Long("src_port"), e.String("dest_ip")!, (int)e.Long("dest_port"));

    public override string ToString() => Text;
}

/// <summary>One row of <c>expected/ja4-rust-flat.jsonl</c> that has a JA4 (FoxIO's Rust snapshots, the primary oracle).</summary>
internal sealed record Ja4Row(string Pcap, int Stream, string Transport, FlowKey Flow, string? ServerName, string Ja4)
{
    public override string ToString() => $"{Pcap} stream {Stream} {Transport} ({Flow})";
}

/// <summary>One ClientHello or ServerHello row of an <c>expected/tshark-4.0.17/*.tls.tsv</c> file (Wireshark's JA3 and JA3S).</summary>
internal sealed record TsharkHelloRow(int Frame, int TcpStream, FlowKey Flow, bool IsClientHello, string ServerName, string Alpn, string Ja3, string Ja3s);

/// <summary>The JA4+ reference corpus staged in <c>shared/conformance/ja4</c> (MANIFEST.md there).</summary>
internal static class Ja4Corpus
{
    private static readonly Lazy<IReadOnlyList<Ja4Row>> s_rows = new(ReadRows);

    public static string Root => Path.Combine(Repo.Shared, "conformance", "ja4");

    public static string Pcap(string fileName) => Path.Combine(Root, "pcap", fileName);

    /// <summary>The rows of ja4-rust-flat.jsonl that carry a <c>ja4</c>.</summary>
    public static IReadOnlyList<Ja4Row> Rows => s_rows.Value;

    public static IReadOnlyList<string> TsharkFiles() =>
        [.. Directory.GetFiles(Path.Combine(Root, "expected", "tshark-4.0.17"), "*.tls.tsv").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>The TCP rows (<c>tcp.stream</c> set) of one tshark file, in frame order.</summary>
    public static IReadOnlyList<TsharkHelloRow> TsharkTcpRows(string fileName)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "expected", "tshark-4.0.17", fileName));
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{fileName}: no column {name}");
        var (frame, stream, ip4Src, ip6Src, srcPort, ip4Dst, ip6Dst, dstPort, type, sni, alpn, ja3, ja3s) = (
            Column("frame.number"), Column("tcp.stream"), Column("ip.src"), Column("ipv6.src"), Column("tcp.srcport"), Column("ip.dst"), Column("ipv6.dst"),
            Column("tcp.dstport"), Column("tls.handshake.type"), Column("tls.handshake.extensions_server_name"), Column("tls.handshake.extensions_alpn_str"),
            Column("tls.handshake.ja3"), Column("tls.handshake.ja3s"));
        var rows = new List<TsharkHelloRow>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split('\t');
            if (f[stream].Length == 0)
            {
                continue; // QUIC (udp.stream): its JA3 is not compared, the sensor reports JA4 for QUIC
            }

            var key = FlowKey.Of("tcp", Or(f[ip4Src], f[ip6Src]), int.Parse(f[srcPort], CultureInfo.InvariantCulture), Or(f[ip4Dst], f[ip6Dst]), int.Parse(f[dstPort], CultureInfo.InvariantCulture));
            rows.Add(new TsharkHelloRow(
                int.Parse(f[frame], CultureInfo.InvariantCulture), int.Parse(f[stream], CultureInfo.InvariantCulture), key,
                f[type].Split(',')[0] == "1", f[sni], f[alpn], f[ja3], f[ja3s]));
        }

        return rows;
    }

    private static string Or(string a, string b) => a.Length > 0 ? a : b;

    private static List<Ja4Row> ReadRows()
    {
        var rows = new List<Ja4Row>();
        foreach (var line in File.ReadLines(Path.Combine(Root, "expected", "ja4-rust-flat.jsonl")).Where(l => l.Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            var r = document.RootElement;
            if (!r.TryGetProperty("ja4", out var ja4) || ja4.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var transport = r.GetProperty("transport").GetString()!;
            rows.Add(new Ja4Row(
                Path.GetFileName(r.GetProperty("pcap").GetString()!),
                r.GetProperty("stream").GetInt32(),
                transport,
                FlowKey.Of(transport, r.GetProperty("src").GetString()!, r.GetProperty("src_port").GetInt32(), r.GetProperty("dst").GetString()!, r.GetProperty("dst_port").GetInt32()),
                r.TryGetProperty("tls_server_name", out var name) ? name.GetString() : null,
                ja4.GetString()!));
        }

        return rows;
    }
}
