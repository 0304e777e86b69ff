using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sensor.Capture.Files;
using Sensor.Core.Payloads;
using Sensor.Detectors;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Legacy;
using Sensor.Detectors.Rules;
using Sensor.Engine;
using Sensor.Host.Commands;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Payloads;
using Sensor.Sessions.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>
/// The short-item fast path (<see cref="DetectorEngine.CannotMatch"/>: header values and URLs skip the scan when neither
/// a keyword nor a digit/IBAN/'@' event can start a finding) never drops a finding: every item it rejects is one the old
/// engine (<see cref="LegacyDetectorEngine"/>, the oracle of EngineEquivalenceTests) reports nothing for, and the engine
/// reports exactly what the old one does on every item. Inputs: every header value, URL and body the shared captures
/// give the detectors (decrypted with their key log), every keyword and conformance sample cut at every length up to the
/// fast path's limit, and seeded random short values. Failures name lengths and rules, never a value.
/// </summary>
public class ShortItemTests
{
    private static readonly Lazy<string[]> s_samples = new(() =>
        [.. File.ReadLines(SharedInputs.Conformance("secrets/cases.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sample").GetString()!)]);

    [Fact]
    public void SharedCaptures_EveryInspectedItem_ReportsWhatTheOldEngineReported()
    {
        var items = CaptureItems();
        var headers = items.Where(i => i.Location == PayloadLocation.RequestUrl || i.Location.StartsWith("request-header:", StringComparison.Ordinal) || i.Location.StartsWith("response-header:", StringComparison.Ordinal)).ToList();
        Assert.True(headers.Count > 300, $"{headers.Count} distinct header values and URLs");

        var engine = new DetectorEngine(DetectorFixture.Pack);
        var rejected = 0;
        var withFindings = 0;
        foreach (var (location, json, data) in items)
        {
            var expected = AssertSame(engine, data, json, $"{location} ({data.Length} B)");
            withFindings += expected > 0 ? 1 : 0;
            rejected += !(json && data.AsSpan().Contains((byte)'\\')) && engine.CannotMatch(data) ? 1 : 0;
        }

        // The fast path is live (most header values are short and plain) and the captures do carry findings.
        Assert.True(rejected > headers.Count / 2, $"{rejected} of {headers.Count} header values rejected early");
        Assert.True(withFindings > 10, $"{withFindings} items with findings");
    }

    [Fact]
    public void KeywordsAndSamples_AtEveryLength_ReportWhatTheOldEngineReported()
    {
        var engine = new DetectorEngine(DetectorFixture.Pack);
        var sources = new List<string>(s_samples.Value);
        foreach (var rule in DetectorFixture.Pack.Rules)
        {
            sources.AddRange(rule.Keywords.SelectMany(k => new[] { k, k.ToUpperInvariant(), "Bearer " + k + "abcDEF0123456789", "x" + k + "y" }));
        }

        sources.AddRange(["123-45-6789", "4111 1111 1111 1111", "4111-1111-1111-1111", "GB82WEST12345698765432", "1-2-3-4-5-6", "a@b.co", "Tue, 24 Nov 2026 04:31:54 GMT"]);
        var found = 0;
        foreach (var source in sources)
        {
            var bytes = Encoding.UTF8.GetBytes(source);
            for (var start = 0; start < Math.Min(bytes.Length, 8); start++)
            {
                for (var end = start + 1; end <= bytes.Length && end - start <= AnchorFilter.MaxMayHitLength + 2; end++)
                {
                    found += AssertSame(engine, bytes[start..end], json: false, $"sample cut [{start}, {end}) of {bytes.Length}") > 0 ? 1 : 0;
                }
            }

            // Whole samples padded into a short value at every offset.
            for (var pad = 0; pad + bytes.Length <= AnchorFilter.MaxMayHitLength; pad += 7)
            {
                found += AssertSame(engine, Encoding.UTF8.GetBytes(new string(' ', pad) + source), json: false, $"sample after {pad} spaces") > 0 ? 1 : 0;
            }
        }

        Assert.True(found > 100, $"{found} cuts with findings");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomShortValues_ReportWhatTheOldEngineReported(int seed)
    {
        var random = new Random(seed);
        var engine = new DetectorEngine(DetectorFixture.Pack);
        const string Alphabet = "0123456789 -ABCGZabcxyz@._/:=+\\\"{}";
        var keywords = DetectorFixture.Pack.Rules.SelectMany(r => r.Keywords).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(1, AnchorFilter.MaxMayHitLength + 4);
            var text = new StringBuilder();
            while (text.Length < length)
            {
                if (random.Next(6) == 0)
                {
                    text.Append(keywords[random.Next(keywords.Length)]);
                }
                else
                {
                    text.Append(Alphabet[random.Next(Alphabet.Length)]);
                }
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            if (random.Next(10) == 0)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100);
            }

            AssertSame(engine, bytes, json: random.Next(2) == 0, $"seed {seed} value {i} ({bytes.Length} B)");
        }
    }

    [Fact]
    public void AnItemWithAKeywordOrADigitRun_IsNotRejectedEarly()
    {
        var engine = new DetectorEngine(DetectorFixture.Pack);
        Assert.True(engine.CannotMatch("application/json"u8));
        Assert.True(engine.CannotMatch("Tue, 24 Nov 2026 04:31:54 GMT"u8));
        Assert.False(engine.CannotMatch("Bearer ghp_"u8)); // keyword
        Assert.False(engine.CannotMatch("id 123-45-6789"u8)); // digit run (an SSN's shape)
        Assert.False(engine.CannotMatch("GB82"u8)); // a digit after two capitals (IBAN)
        Assert.False(engine.CannotMatch("a@b"u8)); // one-character anchor
        Assert.False(engine.CannotMatch(new byte[AnchorFilter.MaxMayHitLength + 1])); // too long for the one-block test
    }

    /// <summary>Scans with both engines, asserts the same reports and cap flag, returns how many were reported.</summary>
    private static int AssertSame(DetectorEngine engine, byte[] data, bool json, string name)
    {
        var expected = new Recorder();
        var legacy = new LegacyDetectorEngine(DetectorFixture.Pack);
        legacy.Scan(data, json, expected);
        var actual = new Recorder();
        engine.Scan(data, json, actual);
        Assert.True(expected.Found.SequenceEqual(actual.Found), $"{name}: old {Describe(expected)} new {Describe(actual)}");
        Assert.Equal(legacy.LastScanCapped, engine.LastScanCapped);
        if (!(json && data.AsSpan().Contains((byte)'\\')) && engine.CannotMatch(data))
        {
            Assert.True(expected.Found.Count == 0, $"{name}: rejected early, but the old engine reports {Describe(expected)}");
        }

        return expected.Found.Count;
    }

    /// <summary>Every distinct item the detectors get from the shared captures (decrypted with their key log): location, JSON or not, bytes.</summary>
    private static List<(string Location, bool Json, byte[] Data)> CaptureItems() => [.. RecordCaptureItems().Items.Values];

    /// <summary>Every item the detectors get from the shared captures, in order (with repeats) and distinct.</summary>
    internal static ItemRecorder RecordCaptureItems()
    {
        var keys = new TlsKeyStore();
        keys.AddKeyLog(File.ReadAllBytes(SharedInputs.Pcap("all.keys.log")));
        var recorder = new ItemRecorder();
        var processor = new PacketProcessor(
            new EngineOptions(),
            new RecordingSink(),
            null,
            context => new AppLayerFactory(SessionObservers.Compose(context with { Payloads = new PayloadHooks([], [recorder]) }), decryption: new TlsDecryption(keys)));
        using (var source = CaptureFile.Open(SharedInputs.Pcap("all.pcap"), out var error))
        {
            Assert.True(source is not null, error);
            AnalyzeCommand.Pump(source, processor, null, 0, keys);
        }

        processor.Finish();
        return recorder;
    }

    private static string Describe(Recorder recorder) => string.Join(", ", recorder.Found.Select(f => $"{f.Rule}/{f.Length}x{f.Count}"));

    internal sealed class ItemRecorder : IPayloadInspector
    {
        public Dictionary<string, (string Location, bool Json, byte[] Data)> Items { get; } = [];

        public List<(PayloadSource Source, byte[] Data)> InOrder { get; } = [];

        public void Inspect(in PayloadSource source, ReadOnlySpan<byte> data)
        {
            InOrder.Add((source, data.ToArray()));
            var json = SecretInspector.IsJson(source.ContentType, data);
            var key = $"{json}:{Convert.ToHexString(SHA256.HashData(data))}";
            Items.TryAdd(key, (source.Location, json, data.ToArray()));
        }
    }

    private sealed class Recorder : IMatchReceiver
    {
        public List<(string Rule, int Length, int Count, string Hash)> Found { get; } = [];

        public void OnMatch(DetectorRule rule, ReadOnlySpan<char> value, int count) =>
            Found.Add((rule.Id, value.Length, count, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value.ToString())))));
    }
}
