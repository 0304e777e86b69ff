using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Legacy;
using Sensor.Detectors.Rules;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>
/// The direct matcher finds exactly the matches (index and length, in order) the rule's regex finds under backtracking
/// semantics (which NonBacktracking documents as its own; one case where .NET 10's NonBacktracking misses a leftmost
/// match is pinned below), over seeded random Latin-1 inputs including strings generated from the pattern itself, for every shipped pattern it accepts and for hand-written patterns exercising
/// each construct of its subset; it refuses patterns where greedy matching could differ; and a hostile window that
/// runs over its step budget is answered by the regex. Failures name the pattern and seed, never a shipped value.
/// </summary>
public class LinearPatternTests
{
    private static readonly Lazy<string[]> s_samples = new(() =>
        [.. File.ReadLines(SharedInputs.Conformance("secrets/cases.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sample").GetString()!)]);

    [Fact]
    public void ShippedPack_BusiestRules_UseTheDirectMatcher()
    {
        var direct = DetectorFixture.Pack.Rules.Where(r => r.Linear is not null).Select(r => r.Id).ToHashSet();
        foreach (var id in new[] { "pem-private-key", "bearer-token", "jwt", "anthropic-api-key", "anthropic-session-key", "openai-api-key", "google-api-key", "github-ghp", "aws-access-key-id", "aws-secret-access-key", "notion-token", "slack-bot-token", "atlassian-api-token", "email", "atlassian-context-token" })
        {
            Assert.Contains(id, direct);
        }

        Assert.NotNull(DetectorFixture.Pack.Rules.Single(r => r.Id == "bearer-token").SecretLinear);
    }

    [Fact]
    public void ShippedPatterns_MatchWhatTheRegexMatches()
    {
        var checkedPatterns = 0;
        foreach (var rule in DetectorFixture.Pack.Rules)
        {
            foreach (var source in new[] { rule.PatternSource, rule.SecretPatternSource })
            {
                if (LinearPattern.TryCreate(source) is { } linear)
                {
                    AssertSameMatches(source!, linear, seed: rule.Index, inputs: 300);
                    checkedPatterns++;
                }
            }
        }

        Assert.True(checkedPatterns >= 30, $"only {checkedPatterns} shipped patterns in the subset");
    }

    [Theory]
    [InlineData("(?i)(?:user id|uid|user|username)=[^;\"'\\r\\n]{1,4};\\s{0,2}(?:password|pwd)=[^;\"'\\s\\\\]{3,8}")]
    [InlineData("(?i:ab)[^a]{2,5}")]
    [InlineData("x(?:-[0-9]{1,3}){3}-[a-z]{2}")]
    [InlineData("(?:https?://)?h\\.c/[A-Za-z0-9+/]{3,6}")]
    [InlineData("[A-Za-z0-9._~+/-]{2,}={0,2}$")]
    [InlineData("a\\w{1,3}\\.[\\s\\d]+b")]
    [InlineData("k[\"']?\\s{0,4}(?:=|:|=>)\\s{0,4}[\"']?[A-Z]{3}")]
    [InlineData("q.{2}z")]
    [InlineData("(?:ab|a)c")]
    [InlineData("\\x41[\\x42-\\x44]+")]
    [InlineData("(?i)[a-c\\u00e0]+x")]
    [InlineData("[a-z]{0,3}a")] // the set gives an 'a' back
    [InlineData("[0-9]{2,4}[0-9a-f]{2}")]
    [InlineData("(?:ab|a){1,3}b")]
    [InlineData("x(?:[a-d](?:[a-d-]{0,5}[a-d])?\\.){1,4}(?:xn--[a-d-]{1,3}|[a-z]{2,4})")]
    [InlineData("(?i)(?:ab|cd)[ \\t\\w.-]{0,5}[\\s'\"]{0,3}(?:=|>|:{1,3}=|:|=>|,)[`'\"\\s=]{0,3}[a-z0-9]{4}")]
    [InlineData("(?:ab)+c")] // loops: a group of fixed strings with distinct first characters
    [InlineData("x(?:[a-c0-9]|-[a-z]){3,}--y")] // the PEM body's shape: gives iterations back to the '-' that follows
    [InlineData("(?:a|bc){0,20}b")]
    [InlineData("(?:[a-d]|-[A-Z]){2,12}-?[a-d]")]
    [InlineData("(?i)q(?:a|bc|-d){9,}")]
    [InlineData("(?:[a-d\\s]|-[a-d]){4,}(?: x)?-+z")]
    public void HandWrittenPatterns_MatchWhatTheRegexMatches(string pattern)
    {
        var linear = LinearPattern.TryCreate(pattern);
        Assert.NotNull(linear);
        AssertSameMatches(pattern, linear, seed: pattern.Length, inputs: 2000, alphabet: "abcdxzqkhAB=:;\"' \t\r\n-_.0123456789/+@\u00e0\u00c0\u0085\u00a0XYZuseridpwdaswonm");
    }

    [Fact]
    public void LeftmostMatch_AfterAnOptionalPrefixThatFailed_IsFound()
    {
        // .NET 10's NonBacktracking reports (14,7) here: a later match overlapping the leftmost one, which backtracking finds.
        const string Pattern = "(?:https?://)?h\\.c/[A-Za-z0-9+/]{3,6}";
        const string Input = "http://hh.c/2Jh.c/fnK";
        var expected = new Regex(Pattern, DetectorRule.Options & ~RegexOptions.NonBacktracking).Matches(Input).Select(m => (m.Index, m.Length)).ToList();
        Assert.Equal([(8, 7)], expected);
        var budget = int.MaxValue;
        var linear = LinearPattern.TryCreate(Pattern)!;
        Assert.Equal(LinearPattern.Status.Found, linear.Next(Input, 0, ref budget, out var index, out var length));
        Assert.Equal((8, 7), (index, length));
        Assert.Equal(LinearPattern.Status.None, linear.Next(Input, index + length, ref budget, out _, out _));
    }

    [Theory]
    [InlineData("a+?b")] // lazy
    [InlineData("\\bfoo")] // anchors other than a final $
    [InlineData("(?:ab|ac)+")] // unbounded loop over a group whose strings start alike
    [InlineData("(?:a+|b)+c")] // unbounded loop over a group that is not fixed strings
    [InlineData("(?:a?){1,3}b")] // a bounded loop over a group that may match empty
    [InlineData("a*")] // may match empty
    [InlineData("[a-z-[aeiou]]x")] // class subtraction
    [InlineData("(?=a)a")]
    [InlineData("a$b")]
    [InlineData("(?:(?:(?:(?:ab){1,8}c){1,8}d){1,8}e){1,8}")] // nested counts multiply past the element cap
    public void PatternsOutsideTheSubset_AreRefused(string pattern) => Assert.Null(LinearPattern.TryCreate(pattern));

    [Fact]
    public void DeeplyNestedGroups_KeepTheirRegex()
    {
        Assert.NotNull(LinearPattern.TryCreate(new string('(', 20) + "ab" + new string(')', 20)));
        Assert.Null(LinearPattern.TryCreate(new string('(', 400) + "ab" + new string(')', 400)));
    }

    [Fact]
    public void HostileWindow_RunsOverBudget_AndTheRegexAnswers()
    {
        // Each "eyJ" starts a JWT attempt that re-reads the rest of the run: quadratic without the budget.
        var text = string.Concat(Enumerable.Repeat("eyJ", 20_000));
        var jwt = DetectorFixture.Pack.Rules.Single(r => r.Id == "jwt");
        var budget = LinearPattern.Budget(text.Length);
        Assert.Equal(LinearPattern.Status.OverBudget, jwt.Linear!.Next(text, 0, ref budget, out _, out _));

        var body = Encoding.ASCII.GetBytes(text + " eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ");
        var engine = new DetectorEngine(DetectorFixture.Pack);
        var actual = new List<(string, int)>();
        engine.Scan(body, json: false, new Receiver(actual));
        var expected = new List<(string, int)>();
        new LegacyDetectorEngine(DetectorFixture.Pack).Scan(body, json: false, new Receiver(expected));
        Assert.True(engine.LinearOverBudget > 0);
        Assert.Equal(expected, actual);
    }

    private static void AssertSameMatches(string pattern, LinearPattern linear, int seed, int inputs, string? alphabet = null)
    {
        // The oracle is the backtracking interpreter: the match semantics NonBacktracking documents as its own (see below).
        var regex = new Regex(pattern, DetectorRule.Options & ~RegexOptions.NonBacktracking, TimeSpan.FromSeconds(30));
        var random = new Random(seed);
        var pieces = Pieces(pattern, alphabet);
        for (var i = 0; i < inputs; i++)
        {
            var text = new StringBuilder();
            var count = random.Next(1, 12);
            for (var p = 0; p < count; p++)
            {
                var piece = pieces[random.Next(pieces.Count)];
                text.Append(piece.Length > 1 && random.Next(4) == 0 ? piece[..random.Next(1, piece.Length)] : piece);
                for (var r = random.Next(4) == 0 ? random.Next(0, 140) : 0; r > 0; r--)
                {
                    text.Append(pieces[random.Next(pieces.Count)][0]);
                }
            }

            var input = text.ToString();
            var expected = new List<(int, int)>();
            foreach (var match in regex.EnumerateMatches(input))
            {
                expected.Add((match.Index, match.Length));
            }

            var actual = new List<(int, int)>();
            var budget = int.MaxValue;
            var from = 0;
            while (linear.Next(input, from, ref budget, out var index, out var length) == LinearPattern.Status.Found)
            {
                actual.Add((index, length));
                from = index + length;
            }

            Assert.True(expected.SequenceEqual(actual), $"pattern #{pattern.GetHashCode(StringComparison.Ordinal):x8} seed {seed} input {i} (length {input.Length}): regex {string.Join(",", expected)} direct {string.Join(",", actual)}");
        }
    }

    /// <summary>
    /// Strings the pattern matches (generated from its own parse, counts from the minimum to a little past it), conformance
    /// samples, the pattern's characters in both cases, separators and Latin-1 high characters; cut and joined by the caller.
    /// </summary>
    private static List<string> Pieces(string pattern, string? alphabet)
    {
        var pieces = new List<string>();
        if (alphabet is not null)
        {
            pieces.AddRange(alphabet.Select(c => c.ToString()));
        }
        else
        {
            pieces.AddRange(s_samples.Value.Where(s => s.All(c => c < 256)));
            pieces.AddRange(pattern.Where(c => c is not ('\\' or '[' or ']' or '(' or ')' or '{' or '}' or '?' or '*' or '+' or '|')).Select(c => c.ToString()));
            pieces.AddRange(pattern.Where(c => c < 256).Select(c => char.ToUpperInvariant(c).ToString()));
            pieces.AddRange(["A", "z", "0", "9", "f", "_", "-", ".", "=", "/", "+", " ", "\t", "\n", "\"", "'", ":", ";", "\u00e9", "\u00a0", "\u0085", "abcDEF0123456789abcDEF0123456789"]);
        }

        var elements = LinearPatternParser.Parse(pattern)!;
        var random = new Random(pattern.Length);
        var generated = pieces.Count;
        for (var i = 0; i < generated; i++)
        {
            var text = new StringBuilder();
            Generate(elements, random, text);
            pieces.Add(text.ToString());
        }

        return pieces;
    }

    private static void Generate(List<LinearPatternParser.Element> elements, Random random, StringBuilder text)
    {
        foreach (var element in elements)
        {
            switch (element)
            {
                case LinearPatternParser.SetElement set:
                    var members = Enumerable.Range(0, 256).Where(c => set.Set[c]).ToArray();
                    var printable = members.Where(c => c is > 0x20 and < 0x7F).ToArray();
                    var count = set.Min + random.Next(0, (int)Math.Min(set.Max - (long)set.Min, 12) + 1);
                    if (random.Next(10) == 0 && set.Max > set.Min)
                    {
                        count = (int)Math.Min(set.Max, set.Min + 200L);
                    }

                    for (var i = 0; i < count && members.Length > 0; i++)
                    {
                        var pool = printable.Length > 0 && random.Next(8) != 0 ? printable : members;
                        text.Append((char)pool[random.Next(pool.Length)]);
                    }

                    break;
                case LinearPatternParser.AltElement alternation:
                    Generate(alternation.Alternatives[random.Next(alternation.Alternatives.Count)], random, text);
                    break;
                case LinearPatternParser.LoopElement loop:
                    var iterations = loop.Min + random.Next(0, (int)Math.Min(loop.Max - (long)loop.Min, 12) + 1);
                    if (random.Next(10) == 0 && loop.Max > loop.Min)
                    {
                        iterations = (int)Math.Min(loop.Max, loop.Min + 200L);
                    }

                    for (var i = 0; i < iterations; i++)
                    {
                        foreach (var set in loop.Alternatives[random.Next(loop.Alternatives.Length)])
                        {
                            var chars = Enumerable.Range(0, 256).Where(c => set[c]).ToArray();
                            var readable = chars.Where(c => c is > 0x20 and < 0x7F).ToArray();
                            var from = readable.Length > 0 && random.Next(8) != 0 ? readable : chars;
                            text.Append((char)from[random.Next(from.Length)]);
                        }
                    }

                    break;
            }
        }
    }

    private sealed class Receiver(List<(string, int)> found) : IMatchReceiver
    {
        public void OnMatch(DetectorRule rule, ReadOnlySpan<char> value, int count) => found.Add((rule.Id, value.Length));
    }
}
