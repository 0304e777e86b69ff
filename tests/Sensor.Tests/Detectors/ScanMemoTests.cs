using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Payloads;
using Sensor.Detectors;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Rules;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>
/// The scan memo (remembered engine reports for repeated header values and URLs) answers exactly what a scan answers:
/// over the shared captures' items in arrival order, over seeded random repeats of more values than it has slots (so
/// slots are taken over), and never across the JSON flag; through the inspector, a repeated header is redacted and
/// reported on every exchange as before. Failures name rules and lengths, never a value.
/// </summary>
public class ScanMemoTests
{
    [Fact]
    public void SharedCaptures_InArrivalOrder_EveryReplayIsWhatTheEngineReports()
    {
        var recorder = ShortItemTests.RecordCaptureItems();
        var memo = new ScanMemo();
        var engine = new DetectorEngine(DetectorFixture.Pack);
        var checkedItems = 0;
        foreach (var (source, data) in recorder.InOrder)
        {
            var location = source.Location;
            if (data.Length > ScanMemo.MaxItemBytes || !(location == PayloadLocation.RequestUrl || location.StartsWith("request-header:", StringComparison.Ordinal) || location.StartsWith("response-header:", StringComparison.Ordinal)))
            {
                continue;
            }

            AssertMemoAnswersLikeTheEngine(memo, engine, data, SecretInspector.IsJson(source.ContentType, data), $"{location} ({data.Length} B)", source.Flow?.FlowId ?? 0);
            checkedItems++;
        }

        Assert.True(checkedItems > 1000, $"{checkedItems} header values and URLs");
        Assert.True(memo.Replays > checkedItems / 3, $"{memo.Replays} of {checkedItems} replayed"); // within connections only: 1,886 of 4,074
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void RandomRepeats_OfMoreValuesThanSlots_ReplayWhatTheEngineReports(int seed)
    {
        var random = new Random(seed);
        var keywords = DetectorFixture.Pack.Rules.SelectMany(r => r.Keywords).ToArray();
        const string Alphabet = "0123456789 -ABCGZabcxyz@._/:=+\"";
        var pool = new List<byte[]>();
        for (var i = 0; i < ScanMemo.Slots * 3; i++)
        {
            var text = new StringBuilder(random.Next(2) == 0 ? "Bearer " : "");
            var length = random.Next(1, 120);
            while (text.Length < length)
            {
                text.Append(random.Next(5) == 0 ? keywords[random.Next(keywords.Length)] : Alphabet[random.Next(Alphabet.Length)]);
            }

            pool.Add(Encoding.UTF8.GetBytes(text.ToString()));
        }

        pool.Add(Encoding.UTF8.GetBytes("Bearer " + InspectorTests.GitHubToken()));
        pool.Add(Encoding.UTF8.GetBytes("mail alice.smith@example.org, card 4111 1111 1111 1111"));
        var memo = new ScanMemo();
        var engine = new DetectorEngine(DetectorFixture.Pack);
        for (var i = 0; i < 20_000; i++)
        {
            // Mostly recent values (a connection's repeats), sometimes any (slots taken over).
            var index = random.Next(4) == 0 ? random.Next(pool.Count) : Math.Max(0, pool.Count - 1 - random.Next(40));
            AssertMemoAnswersLikeTheEngine(memo, engine, pool[index], json: random.Next(3) == 0, $"seed {seed} draw {i} ({pool[index].Length} B)");
        }

        Assert.True(memo.Replays > 1000, $"{memo.Replays} replays");
    }

    [Fact]
    public void SameBytes_UnderTheOtherJsonFlag_AreScannedAgain()
    {
        var memo = new ScanMemo();
        var engine = new DetectorEngine(DetectorFixture.Pack);
        var data = "to alice.smith\\u0040example.org"u8.ToArray();
        Assert.Equal(0, AssertMemoAnswersLikeTheEngine(memo, engine, data, json: false, "plain"));
        Assert.Equal(1, AssertMemoAnswersLikeTheEngine(memo, engine, data, json: true, "json")); // \u0040 is '@' only in JSON
        Assert.Equal(0, memo.Replays);
        Assert.Equal(1, AssertMemoAnswersLikeTheEngine(memo, engine, data, json: true, "json again"));
        Assert.Equal(1, memo.Replays);
    }

    [Fact]
    public void SameBytes_OnAnotherConnection_AreScannedAgain()
    {
        // Never across connections: a replayed capture (the same sessions again) must pay for its scans like live traffic.
        var memo = new ScanMemo();
        var engine = new DetectorEngine(DetectorFixture.Pack);
        var data = Encoding.UTF8.GetBytes("Bearer " + InspectorTests.GitHubToken());
        Assert.Equal(1, AssertMemoAnswersLikeTheEngine(memo, engine, data, json: false, "flow 7", flow: 7));
        Assert.Equal(1, AssertMemoAnswersLikeTheEngine(memo, engine, data, json: false, "flow 8", flow: 8));
        Assert.Equal(0, memo.Replays);
        Assert.Equal(1, AssertMemoAnswersLikeTheEngine(memo, engine, data, json: false, "flow 8 again", flow: 8));
        Assert.Equal(1, AssertMemoAnswersLikeTheEngine(memo, engine, data, json: false, "flow 7 again", flow: 7));
        Assert.Equal(2, memo.Replays);
    }

    [Fact]
    public void RepeatedHeader_OnTwoConnections_IsScannedOnEach()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        var token = InspectorTests.GitHubToken();
        var first = DetectorFixture.Exchange("api.example.com");
        var other = new HttpExchange(EventRecorder.Flow(443, flowId: first.Flow.FlowId + 1), "HTTP/1.1", 0) { Host = "api.example.com", Method = "POST", Target = "/v1/messages" };
        foreach (var exchange in new[] { first, other })
        {
            DetectorFixture.Inspect(inspector, PayloadLocation.RequestHeader("x-forwarded-token"), "Bearer " + token, exchange);
        }

        Assert.Equal(2, DetectorFixture.Findings(recorder).Count(f => f.Type == "github_pat"));
        Assert.Equal(0, inspector.MemoReplays);
    }

    [Fact]
    public void RepeatedHeader_OnTwoExchanges_IsRedactedAndReportedOnEach()
    {
        var (inspector, recorder) = DetectorFixture.Inspector();
        var token = InspectorTests.GitHubToken();
        var first = DetectorFixture.Exchange("api.example.com");
        var second = new HttpExchange(first.Flow, "HTTP/1.1", 1) { Host = "api.example.com", Method = "POST", Target = "/v1/messages" };
        var own = new HttpExchange(first.Flow, "HTTP/1.1", 2) { Host = "api.github.com", Method = "GET", Target = "/user" };
        foreach (var exchange in new[] { first, second, own })
        {
            DetectorFixture.Inspect(inspector, PayloadLocation.RequestHeader("x-forwarded-token"), "Bearer " + token, exchange);
        }

        var findings = DetectorFixture.Findings(recorder).ToList();
        Assert.Equal(2, findings.Count(f => f.Type == "github_pat")); // not to GitHub: one per exchange
        Assert.Single(findings.Where(f => f.Type == "github_pat").Select(f => f.Fingerprint).Distinct());
        Assert.All(new[] { first, second, own }, e => Assert.True(e.IsRedacted("request-header:x-forwarded-token")));
        Assert.Equal(1, inspector.OwnIssuerCredentials);
        Assert.Equal(2, inspector.MemoReplays);
    }

    /// <summary>Asks the memo, scanning and recording on a miss; asserts a replay equals a fresh scan. Returns the number of reports.</summary>
    private static int AssertMemoAnswersLikeTheEngine(ScanMemo memo, DetectorEngine engine, byte[] data, bool json, string name, long flow = 1)
    {
        var expected = new Recorder(null);
        engine.Scan(data, json, expected);
        var expectedCapped = engine.LastScanCapped;
        var replayed = new Recorder(null);
        if (memo.TryReplay(flow, data, json, replayed, out var capped))
        {
            Assert.True(expected.Found.SequenceEqual(replayed.Found), $"{name}: scan {Describe(expected)} replay {Describe(replayed)}");
            Assert.Equal(expectedCapped, capped);
        }
        else
        {
            Assert.Empty(replayed.Found);
            memo.BeginRecord(flow, data, json);
            engine.Scan(data, json, new Recorder(memo));
            memo.EndRecord(engine.LastScanCapped);
        }

        return expected.Found.Count;
    }

    private static string Describe(Recorder recorder) => string.Join(", ", recorder.Found.Select(f => $"{f.Rule}/{f.Length}x{f.Count}"));

    private sealed class Recorder(ScanMemo? memo) : IMatchReceiver
    {
        public List<(string Rule, int Length, int Count, string Hash)> Found { get; } = [];

        public void OnMatch(DetectorRule rule, ReadOnlySpan<char> value, int count)
        {
            memo?.Record(rule, value, count);
            Found.Add((rule.Id, value.Length, count, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value.ToString())))));
        }
    }
}
