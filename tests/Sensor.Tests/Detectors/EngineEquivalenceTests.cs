using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sensor.Detectors;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Legacy;
using Sensor.Detectors.Rules;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>
/// The byte-level engine (one keyword pass, digit runs replayed only where a finding can start, windows widened
/// alone, regexes built on first use) reports exactly what the widening engine it replaced reported: same rules, values,
/// counts, order and cap, over seeded random bodies built from every keyword, the conformance samples, digit groups,
/// IBAN-like runs, emails, JSON escapes and non-ASCII bytes. Failures name the seed, rules and lengths, never a value.
/// </summary>
public class EngineEquivalenceTests
{
    private static readonly Lazy<string[]> s_samples = new(() =>
        [.. File.ReadLines(SharedInputs.Conformance("secrets/cases.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sample").GetString()!)]);

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void ShippedPack_ReportsWhatTheOldEngineReported(int seed, bool json) =>
        AssertSameOnRandomBodies(DetectorFixture.Pack, seed, json, bodies: 600);

    [Fact]
    public void CorporateMarkers_IncludingNonAscii_ReportWhatTheOldEngineReported()
    {
        var pack = DetectorFixture.Load(new DetectorOptions
        {
            ClassificationLabels = ["Confidential", "Streng Geheim", "Vertraulich-\u00c4"],
            CodeNames = ["Project Falcon", "\u00e9t\u00e9"],
            CorporateDomains = ["corp.example.com"],
        });
        AssertSameOnRandomBodies(pack, 11, json: false, bodies: 400, "confidential", "STRENG geheim", "vertraulich-\u00e4", "PROJECT FALCON", "\u00c9T\u00c9", "x.corp.example.com");
    }

    [Fact]
    public void OneCharacterAnchorInsideDigitRuns_KeepsTheSequentialPass()
    {
        // A one-character keyword the digit scan may step over ('-') takes the sequential trigger pass.
        var path = Path.Combine(Path.GetTempPath(), $"dash-rule-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"version":1,"rules":[{"id":"dash","type":"dash_thing","keywords":["-"],"pattern":"-[a-z]{3}-[0-9]{2}","max_length":8}]}""");
        try
        {
            AssertSameOnRandomBodies(DetectorFixture.Load(new DetectorOptions(), path), 21, json: false, bodies: 400, "-abc-12", "12-34-56");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LongBodies_AcrossChunkBoundaries_ReportWhatTheOldEngineReported()
    {
        var random = new Random(31);
        var fragments = Fragments(DetectorFixture.Pack, []);
        for (var i = 0; i < 20; i++)
        {
            var text = new StringBuilder();
            while (text.Length < 40_000)
            {
                text.Append(fragments[random.Next(fragments.Count)]);
            }

            AssertSame(DetectorFixture.Pack, Encoding.UTF8.GetBytes(text.ToString()), json: i % 2 == 0, $"long body {i}");
        }
    }

    private static void AssertSameOnRandomBodies(RulePack pack, int seed, bool json, int bodies, params string[] extra)
    {
        var random = new Random(seed);
        var fragments = Fragments(pack, extra);
        for (var i = 0; i < bodies; i++)
        {
            var text = new StringBuilder(json ? "{\"content\":\"" : "");
            var pieces = random.Next(1, 60);
            for (var p = 0; p < pieces; p++)
            {
                text.Append(fragments[random.Next(fragments.Count)]);
                if (random.Next(3) == 0)
                {
                    text.Append(" \n-_.@:\"=/"[random.Next(10)]);
                }
            }

            if (json)
            {
                text.Append("\"}");
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            if (random.Next(8) == 0)
            {
                // Raw Latin-1 high bytes (not UTF-8): the engines see bytes, not text.
                bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100);
            }

            AssertSame(pack, bytes, json, $"seed {seed} body {i}");
        }
    }

    private static void AssertSame(RulePack pack, byte[] body, bool json, string name)
    {
        var expected = new Recorder();
        var legacy = new LegacyDetectorEngine(pack);
        legacy.Scan(body, json, expected);
        var actual = new Recorder();
        var engine = new DetectorEngine(pack);
        engine.Scan(body, json, actual);
        Assert.True(expected.Found.SequenceEqual(actual.Found), $"{name}: old {Describe(expected)} new {Describe(actual)}");
        Assert.Equal(legacy.LastScanCapped, engine.LastScanCapped);
    }

    private static string Describe(Recorder recorder) => string.Join(", ", recorder.Found.Select(f => $"{f.Rule}/{f.Length}x{f.Count}"));

    private static List<string> Fragments(RulePack pack, string[] extra)
    {
        var fragments = new List<string>
        {
            "Summarise the meeting notes: revenue grew 12.5% to 4.2M on 2026-03-31. ",
            "build 20240115, version 3.12.1, exit code 137, ",
            "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5500 0000 0000 0004", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
            "123-45-6789", "078-05-1120", "123 45 6789", "1234 5678 9012 3456 7890 1234 5678 9012 3456 7890 1234 5678 9012 3456 7890 1234 5678 9012",
            "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "GB82WEST12345698765432 1234", "FR14 2004 1010 0505 0001 3M02 606",
            "alice.smith@example.org", "a@b.co", "@@", "x@", "user_1@mail.example.com ",
            "AKIA2E3R4T5Y6U7I2O3P", "k7Hd9/Qw2+Zx4Rt6Yp8Uv1Bn3Mc5Lj0Gf2Sa4Dq6", "aws_secret_access_key = ",
            "\\n", "\\u0041", "\\u002d", "\\\"", "\\\\", "\\ud83d\\ude00", "\u00e9", "\u00c4", " ", "  ", "-", "_", ".", "12", "3.", "A", "ZZ", "Q3 ",
        };
        fragments.AddRange(s_samples.Value);
        fragments.AddRange(extra);
        foreach (var rule in pack.Rules)
        {
            foreach (var keyword in rule.Keywords)
            {
                fragments.Add(keyword);
                fragments.Add(keyword.ToUpperInvariant());
                fragments.Add(keyword + "abcDEF0123456789_-abcDEF0123456789abcDEF0123456789");
            }
        }

        return fragments;
    }

    private sealed class Recorder : IMatchReceiver
    {
        public List<(string Rule, int Length, int Count, string Hash)> Found { get; } = [];

        public void OnMatch(DetectorRule rule, ReadOnlySpan<char> value, int count) =>
            Found.Add((rule.Id, value.Length, count, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value.ToString())))));
    }
}
