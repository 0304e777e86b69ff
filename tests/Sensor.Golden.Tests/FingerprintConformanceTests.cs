using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// TLS fingerprints against the oracles staged in <c>shared/conformance</c>: JA4 against FoxIO's Rust snapshots
/// (TCP and QUIC), JA3/JA3S against Wireshark 4.0.17, and the illustrated TLS 1.2/1.3 handshakes of conformance/wireshark.
/// The sensor is run once per capture (shared with every other test of that capture).
/// </summary>
public sealed class FingerprintConformanceTests
{
    /// <summary>The captures that have rows with a JA4 in ja4-rust-flat.jsonl.</summary>
    public static TheoryData<string> Ja4Captures => new(Ja4Corpus.Rows.Select(r => r.Pcap).Distinct().Order(StringComparer.Ordinal));

    /// <summary>The tshark files with at least one TCP ClientHello or ServerHello row.</summary>
    public static TheoryData<string> TsharkFiles => new(Ja4Corpus.TsharkFiles().Where(f => Ja4Corpus.TsharkTcpRows(f).Count > 0));

    [Fact]
    public void Ja4Corpus_Has151TcpAnd51QuicRows()
    {
        // 202 of 303 rows carry a JA4 (MANIFEST.md); if the staged file changes, the counts in the report must change with it.
        Assert.Equal(151, Ja4Corpus.Rows.Count(r => r.Transport == "tcp"));
        Assert.Equal(51, Ja4Corpus.Rows.Count(r => r.Transport == "udp"));
    }

    [Theory]
    [MemberData(nameof(Ja4Captures))]
    public void Ja4AndSni_MatchTheRustSnapshots(string capture)
    {
        var run = AnalyzeRuns.Of(Ja4Corpus.Pcap(capture));
        Assert.True(run.ExitCode == 0, run.Describe());
        var tls = run.OfType("tls").ToLookup(FlowKey.Of);
        var quic = run.OfType("quic").ToLookup(FlowKey.Of);

        var problems = new List<string>();
        var rows = Ja4Corpus.Rows.Where(r => r.Pcap == capture).ToList();
        foreach (var row in rows)
        {
            var (events, prefix) = row.Transport == "tcp" ? (tls[row.Flow].ToList(), "tls") : (quic[row.Flow].ToList(), "quic");
            if (events.Count != 1)
            {
                problems.Add($"{row}: {events.Count} {prefix} events, expected 1");
                continue;
            }

            var ja4 = events[0].String(prefix + ".ja4");
            var sni = events[0].String(prefix + ".sni");
            if (ja4 != row.Ja4 || (row.ServerName is not null && sni != row.ServerName))
            {
                problems.Add($"{row}: {prefix}.ja4 {ja4} sni {sni}; expected {row.Ja4} sni {row.ServerName}");
            }
        }

        Assert.NotEmpty(rows);
        Assert.True(problems.Count == 0, $"{problems.Count} of {rows.Count} rows differ:\n" + string.Join('\n', problems));
    }

    /// <summary>
    /// Per TCP flow, the first ClientHello row gives <c>tls.ja3.hash</c> and the first ServerHello row <c>tls.ja3s.hash</c>
    /// (SNI and offered ALPN too). After a HelloRetryRequest the client sends a second ClientHello (another row, another
    /// JA3): the sensor reports the first hello of the flow, so its JA3 must be the first row's and not the second's.
    /// </summary>
    [Theory]
    [MemberData(nameof(TsharkFiles))]
    public void Ja3AndJa3s_MatchWireshark_ForTheFirstHelloOfEachFlow(string tsharkFile)
    {
        var capture = tsharkFile[..^".tls.tsv".Length];
        var run = AnalyzeRuns.Of(Ja4Corpus.Pcap(capture));
        var tls = run.OfType("tls").ToLookup(FlowKey.Of);
        var rows = Ja4Corpus.TsharkTcpRows(tsharkFile);

        var problems = new List<string>();
        foreach (var flow in rows.GroupBy(r => r.Flow))
        {
            var events = tls[flow.Key].ToList();
            if (events.Count != 1)
            {
                problems.Add($"{flow.Key} (tcp.stream {flow.First().TcpStream}): {events.Count} tls events, expected 1");
                continue;
            }

            var e = events[0];
            var clientHellos = flow.Where(r => r.IsClientHello).ToList();
            if (clientHellos.Count > 0)
            {
                var first = clientHellos[0];
                var alpn = string.Join(',', e.Get("tls.alpn")?.EnumerateArray().Select(a => a.GetString()) ?? []);
                if (e.String("tls.ja3.hash") != first.Ja3 || (e.String("tls.sni") ?? "") != first.ServerName || alpn != first.Alpn)
                {
                    problems.Add($"{flow.Key} frame {first.Frame}: ja3 {e.String("tls.ja3.hash")} sni {e.String("tls.sni")} alpn {alpn}; " +
                                 $"Wireshark {first.Ja3} sni {first.ServerName} alpn {first.Alpn}");
                }

                if (clientHellos.Count > 1 && clientHellos[1].Ja3 != first.Ja3 && e.String("tls.ja3.hash") == clientHellos[1].Ja3)
                {
                    problems.Add($"{flow.Key}: reported the JA3 of the second ClientHello (frame {clientHellos[1].Frame})");
                }
            }

            if (flow.FirstOrDefault(r => !r.IsClientHello) is { } serverHello && e.String("tls.ja3s.hash") != serverHello.Ja3s)
            {
                problems.Add($"{flow.Key} frame {serverHello.Frame}: ja3s {e.String("tls.ja3s.hash")}, Wireshark {serverHello.Ja3s}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Ja3Corpus_CoversClientAndServerHellos_AndTheHelloRetryFlows()
    {
        var rows = Ja4Corpus.TsharkFiles().SelectMany(f => Ja4Corpus.TsharkTcpRows(f).Select(r => (File: f, Row: r))).ToList();
        var flows = rows.GroupBy(r => (r.File, r.Row.Flow)).ToList();

        Assert.Equal(161, rows.Count(r => r.Row.IsClientHello));
        Assert.Equal(96, rows.Count(r => !r.Row.IsClientHello));
        Assert.Equal(151, flows.Count);

        // Flows with two ClientHellos (a HelloRetryRequest in between): five each in tls-handshake and tls-sni.
        Assert.Equal(10, flows.Count(f => f.Count(r => r.Row.IsClientHello) == 2));
    }

    [Theory]
    [InlineData("illustrated-tls13", "127.0.0.1", 59219, "127.0.0.1", 8400, "TLS 1.3", "0x1302", "f146948b4a599d4d7ddf071b74696983", "15af977ce25de452b96affa2addb1036")]
    [InlineData("illustrated-tls12", "::1", 50159, "::1", 8443, "TLS 1.2", "0xc013", "36d715579d31b7f031149c4560b5914f", "5a450169db1f168548fb87aa841fe743")]
    public void IllustratedHandshakes_MatchTheWiresharkManifest(string capture, string client, int clientPort, string server, int serverPort, string version, string cipher, string ja3, string ja3s)
    {
        var run = AnalyzeRuns.Of(Path.Combine(Repo.Shared, "conformance", "wireshark", capture, "capture.pcap"));

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Empty(run.OfType("anomaly"));
        var e = Assert.Single(run.OfType("tls"));
        Assert.Equal(new FiveTuple("tcp", System.Net.IPAddress.Parse(client), clientPort, System.Net.IPAddress.Parse(server), serverPort), FiveTuple.Of(e));
        Assert.Equal("example.ulfheim.net", e.String("tls.sni"));
        Assert.Equal(version, e.String("tls.version"));
        Assert.Equal(cipher, e.String("tls.cipher_suite"));
        Assert.Equal(ja3, e.String("tls.ja3.hash"));
        Assert.Equal(ja3s, e.String("tls.ja3s.hash"));
        Assert.Equal(22, Assert.Single(run.OfType("flow")).Long("flow.pkts_toserver") + run.OfType("flow").Single().Long("flow.pkts_toclient"));
    }
}
