using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// The shared captures' labels (shared/pcaps/README.md, "Labels format") against the sensor's <c>tls</c>, <c>dns</c> and
/// <c>ai</c> events: every labelled TLS handshake, DNS query and answer, and AI/MCP session, on all.pcap and on each
/// scenario's own capture. One sensor run per capture, shared with <see cref="GoldenCaptureTests"/>.
/// </summary>
public sealed class LabelledSessionTests : IClassFixture<GoldenRuns>
{
    private readonly GoldenRuns _runs;

    public LabelledSessionTests(GoldenRuns runs) => _runs = runs;

    public static TheoryData<string> LabelFiles => GoldenCaptureTests.LabelFiles;

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void LabelledTlsFlows_EachHaveOneTlsEvent_WithTheLabelledHandshake(string labelsFile)
    {
        var (labels, run, _) = _runs.For(labelsFile);
        var tls = run.OfType("tls").ToLookup(FiveTuple.Of);
        var problems = new List<string>();
        foreach (var flow in labels.Flows)
        {
            var events = tls[flow.Tuple].ToList();
            if (flow.Tls is not { } label)
            {
                if (events.Count > 0)
                {
                    problems.Add($"{flow.FiveTuple}: plaintext in the labels, but {events.Count} tls events");
                }

                continue;
            }

            if (events.Count != 1)
            {
                problems.Add($"{flow.FiveTuple}: {events.Count} tls events, expected 1");
                continue;
            }

            var e = events[0];
            var expected = new[]
            {
                ("sni", label.Sni, e.String("tls.sni")),
                ("alpn", string.Join(',', label.AlpnOffered), string.Join(',', Strings(e, "tls.alpn"))),
                ("ja3", label.Ja3, e.String("tls.ja3.hash")),
                ("ja3 string", label.Ja3Full, e.String("tls.ja3.string")),
                ("ja4", label.Ja4, e.String("tls.ja4")),
                ("version", label.Version.Replace("TLSv", "TLS ", StringComparison.Ordinal), e.String("tls.version")),
                ("offered versions", string.Join(',', OfferedVersions(label)), string.Join(',', Strings(e, "tls.offered_versions"))),
                ("cipher suite", label.CipherSuite, e.String("tls.cipher_suite")),

                // TLS 1.2 sends the server's ALPN choice in the clear; TLS 1.3 encrypts it (EncryptedExtensions).
                ("server alpn", label.Version == "TLSv1.2" ? label.AlpnSelected : null, Strings(e, "tls.server_alpns").SingleOrDefault()),
            };
            problems.AddRange(expected.Where(x => x.Item2 != x.Item3).Select(x => $"{flow.FiveTuple}: {x.Item1} {x.Item3 ?? "(none)"}, labels say {x.Item2 ?? "(none)"}"));
        }

        Assert.True(labels.Flows.Any(f => f.Tls is not null) || labelsFile is "h_plaintext_http.labels.json" or "j_dns.labels.json", "no TLS flows in " + labelsFile);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void LabelledDnsQueries_HaveAQueryEvent_AndTheirAnswerEvent(string labelsFile)
    {
        var (labels, run, _) = _runs.For(labelsFile);
        var dns = run.OfType("dns").ToLookup(e => (FiveTuple.Of(e), e.Long("dns.id"), e.String("dns.type")));
        var problems = new List<string>();
        foreach (var query in labels.Dns)
        {
            var what = $"{query.FiveTuple} id {query.Txid} ({query.Qtype} {query.Qname})";
            var queries = dns[(query.Tuple, query.Txid, "query")].ToList();
            if (queries.Count != 1 || queries[0].String("dns.rrname") != query.Qname || queries[0].String("dns.rrtype") != query.Qtype)
            {
                problems.Add($"{what}: query events {string.Join(" | ", queries.Select(q => q.Get("dns")))}");
            }

            if (query.Rcode is null)
            {
                continue;
            }

            var answers = dns[(query.Tuple, query.Txid, "answer")].ToList();
            if (answers.Count != 1)
            {
                problems.Add($"{what}: {answers.Count} answer events, expected 1");
                continue;
            }

            var rdata = answers[0].Get("dns.answers")?.EnumerateArray().Select(a => a.GetProperty("rdata").GetString()).ToList() ?? [];
            if (answers[0].String("dns.rcode") != query.Rcode || !rdata.SequenceEqual(query.Answers) || answers[0].String("dns.rrname") != query.Qname)
            {
                problems.Add($"{what}: answer {answers[0].String("dns.rcode")} [{string.Join(", ", rdata)}], labels say {query.Rcode} [{string.Join(", ", query.Answers)}]");
            }
        }

        Assert.NotEmpty(labels.Dns);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// One <c>ai</c> event per labelled AI or MCP flow, with the labelled vendor (<c>none</c>/<c>unknown</c>, the corporate and
    /// untrusted MCP servers, are our <c>unknown</c>), and none for any other flow.
    /// </summary>
    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void AiAndMcpFlows_EachHaveOneAiEventOfTheLabelledVendor_AndNoOtherFlowHasOne(string labelsFile)
    {
        var (labels, run, _) = _runs.For(labelsFile);
        var ai = run.OfType("ai").ToLookup(FiveTuple.Of);
        var problems = new List<string>();
        foreach (var flow in labels.Flows)
        {
            var events = ai[flow.Tuple].ToList();
            if (!flow.IsAi && !flow.IsMcp)
            {
                if (events.Count > 0)
                {
                    problems.Add($"{flow.FiveTuple} ({flow.Host ?? "unused"}, {flow.Vendor}): not AI or MCP, but ai vendor {events[0].String("ai.vendor")}");
                }

                continue;
            }

            // An MCP flow must say so; an AI flow may too when its host serves both (api.githubcopilot.com is ai-api+mcp).
            var vendor = flow.Vendor is "none" or "unknown" ? "unknown" : flow.Vendor;
            if (events.Count != 1 || events[0].String("ai.vendor") != vendor || (flow.IsMcp && events[0].Get("ai.mcp")?.GetBoolean() != true))
            {
                problems.Add($"{flow.FiveTuple} ({flow.Host}): {events.Count} ai events {string.Join(" | ", events.Select(e => e.Get("ai")))}; labels say {flow.Vendor}, mcp {flow.IsMcp}");
            }
        }

        var labelled = labels.Flows.Select(f => f.Tuple).ToHashSet();
        problems.AddRange(run.OfType("ai").Select(FiveTuple.Of).Where(t => !labelled.Contains(t)).Select(t => $"{t}: ai event on a flow the labels do not have"));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(labels.Flows.Count(f => f.IsAi || f.IsMcp), run.OfType("ai").Count());
    }

    /// <summary>
    /// Only the Copilot plan hosts show the tenant without decryption (README "Tenant notes": <c>sni:copilot-plan</c>); every
    /// other ai event says <c>unknown</c> with no basis, since its evidence (headers, bodies, credentials) is encrypted or not read yet.
    /// </summary>
    [Theory]
    [MemberData(nameof(LabelFiles))]
    public void Tenants_AreKnownOnlyFromTheCopilotPlanHost(string labelsFile)
    {
        var (_, run, _) = _runs.For(labelsFile);
        var problems = new List<string>();
        foreach (var e in run.OfType("ai"))
        {
            var host = e.String("ai.host");
            var expected = host switch
            {
                "api.individual.githubcopilot.com" => ("personal", "sni:copilot-plan"),
                "api.business.githubcopilot.com" or "api.enterprise.githubcopilot.com" => ("enterprise", "sni:copilot-plan"),
                _ => ("unknown", ""),
            };
            var actual = (e.String("ai.tenant"), string.Join(',', Strings(e, "ai.basis")));
            if (actual != expected)
            {
                problems.Add($"{FiveTuple.Of(e)} {host}: tenant {actual.Item1} basis [{actual.Item2}], expected {expected.Item1} [{expected.Item2}]");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void CopilotPlanHosts_AreAttributedToTheirPlansTenant()
    {
        var (labels, run, _) = _runs.For("r_copilot_plan_hosts.labels.json");
        var byHost = run.OfType("ai").ToDictionary(e => e.String("ai.host")!);

        Assert.Equal(labels.Flows.Where(f => f.IsAi).Select(f => f.Host).Order(StringComparer.Ordinal), byHost.Keys.Order(StringComparer.Ordinal));
        foreach (var (host, tenant, plan) in new[] { ("api.individual.githubcopilot.com", "personal", "individual"), ("api.business.githubcopilot.com", "enterprise", "business"), ("api.enterprise.githubcopilot.com", "enterprise", "enterprise") })
        {
            var e = byHost[host];
            Assert.Equal(("github-copilot", tenant, plan, "sni"), (e.String("ai.vendor"), e.String("ai.tenant"), e.String("ai.plan"), e.String("ai.host_source")));
            Assert.Equal(["sni:copilot-plan"], Strings(e, "ai.basis"));
        }
    }

    [Fact]
    public void OpaqueFlows_WithoutKeys_AreAttributedFromTheHandshake()
    {
        // k_opaque_no_keys ships no TLS keys: SNI, ALPN and JA3/JA4 are all a sensor sees, and all the attribution needs.
        var (labels, run, _) = _runs.For("k_opaque_no_keys.labels.json");
        var ai = run.OfType("ai").ToDictionary(FiveTuple.Of);

        Assert.Equal(5, labels.Flows.Count);
        foreach (var flow in labels.Flows)
        {
            Assert.True(ai.TryGetValue(flow.Tuple, out var e), $"{flow.FiveTuple} ({flow.Host}) has no ai event");
            Assert.Equal((flow.Vendor, flow.Host, "sni"), (e!.String("ai.vendor"), e.String("ai.host"), e.String("ai.host_source")));
            Assert.Equal(flow.IsMcp, e.Get("ai.mcp")?.GetBoolean());
        }
    }

    /// <summary>
    /// The labels list the supported_versions extension, empty when the hello has none (curl limited to TLS 1.2); the
    /// sensor then reports the hello's legacy_version, 0x0303 for these clients.
    /// </summary>
    private static IReadOnlyList<string> OfferedVersions(LabelTls label) =>
        label.OfferedVersions.Count > 0 ? label.OfferedVersions : label.Version == "TLSv1.2" ? ["0x0303"] : [];

    private static List<string?> Strings(EveEvent e, string path) =>
        e.Get(path) is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray().Select(a => a.GetString())] : [];
}
