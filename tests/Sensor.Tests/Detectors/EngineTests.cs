using System.Text;
using System.Text.RegularExpressions;
using Sensor.Core.Payloads;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Rules;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>Linear work on adversarial input (by construction and by a counted bound), and no allocation when nothing matches.</summary>
public class EngineTests
{
    [Fact]
    public void EveryRulePattern_IsCompiledNonBacktracking()
    {
        var patterns = DetectorFixture.Pack.Rules.SelectMany(r => new[] { r.Pattern, r.SecretPattern }).OfType<Regex>().ToList();
        Assert.True(patterns.Count >= 50);
        Assert.All(patterns, p => Assert.True(p.Options.HasFlag(RegexOptions.NonBacktracking), p.ToString()));
        Assert.All(DetectorFixture.Pack.Rules.Where(r => r.Pattern is not null), r => Assert.NotEmpty(r.Keywords));
    }

    [Fact]
    public void ShippedKeywords_FitOneVectorisedSearch()
    {
        // One case-sensitive search (AKIA, AIza, eyJ...) and one case-insensitive search.
        Assert.Equal(2, DetectorFixture.Pack.AnchorGroups.Length);
        Assert.All(DetectorFixture.Pack.AnchorGroups, g => Assert.InRange(g.Count, 1, RulePack.MaxAnchorsPerSearch));
    }

    /// <summary>Inputs that make backtracking engines explode: every rule's keyword repeated, each followed by long runs of its own token characters.</summary>
    public static TheoryData<string> Adversarial()
    {
        var data = new TheoryData<string>();
        foreach (var rule in DetectorFixture.Pack.Rules.Where(r => r.Pattern is not null))
        {
            var keyword = rule.Keywords[0];
            data.Add(rule.Id + "|" + string.Concat(Enumerable.Repeat(keyword, 2000)));
            data.Add(rule.Id + "|" + keyword + new string('a', 20_000) + "!");
            data.Add(rule.Id + "|" + string.Concat(Enumerable.Repeat(keyword + "0-a_A/=+.", 1500)));
        }

        data.Add("digits|" + string.Concat(Enumerable.Repeat("4111 ", 8000)));
        data.Add("at|" + string.Concat(Enumerable.Repeat("a@", 10_000)));
        data.Add("escapes|{\"a\":\"" + string.Concat(Enumerable.Repeat("\\u0041\\n", 5000)) + "\"}");
        return data;
    }

    /// <summary>
    /// Work is counted, not timed: the characters handed to regexes and scanners stay within a constant times the input
    /// (each rule's windows never overlap, so a rule sees each character at most once), and doubling the input at most
    /// doubles the work. NonBacktracking makes each regex pass linear in its window.
    /// </summary>
    [Theory]
    [MemberData(nameof(Adversarial))]
    public void AdversarialInput_CostsLinearWork(string named)
    {
        var text = named[(named.IndexOf('|', StringComparison.Ordinal) + 1)..];
        var once = Work(text);
        var twice = Work(text + text);
        var rules = DetectorFixture.Pack.Rules.Count;
        Assert.True(once <= (long)(rules + 4) * text.Length, $"{once} characters examined for {text.Length}");
        Assert.True(twice <= (2 * once) + (4L * DetectorRule.MaxWindow), $"work grew from {once} to {twice} when the input doubled");
    }

    private static long Work(string text)
    {
        var engine = new DetectorEngine(DetectorFixture.Pack);
        engine.Scan(Encoding.UTF8.GetBytes(text), json: text.StartsWith('{'), new DetectorFixture.Discard());
        return engine.CharactersExamined;
    }

    [Fact]
    public void NothingMatches_NothingAllocated()
    {
        var body = Encoding.UTF8.GetBytes(BenchmarkLikePrompt());
        var engine = new DetectorEngine(DetectorFixture.Pack);
        var discard = new DetectorFixture.Discard();
        var (inspector, recorder) = DetectorFixture.Inspector();
        var source = new PayloadSource(EventRecorder.Flow(443), Core.Streams.Direction.ToServer, PayloadLocation.RequestBody, null, "application/json", 0);
        var allocated = Allocation.Measure(() =>
        {
            engine.Scan(body, json: true, discard);
            inspector.Inspect(source, body);
        });
        Assert.Equal(0, discard.Count);
        Assert.Empty(recorder.Events);
        Assert.Equal(0, allocated);
    }

    /// <summary>An AI prompt with numbers, URLs, escapes and code, and no secret.</summary>
    internal static string BenchmarkLikePrompt() =>
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,\"temperature\":0.7,\"messages\":[{\"role\":\"user\",\"content\":\"Here is the function:\\n\\n"
        + string.Concat(Enumerable.Repeat("def total(xs):\\n    return sum(x * 1.5 for x in xs if x > 42)  # see https://docs.python.org/3/library/functions.html\\n", 20))
        + "Why is the result 12345.678 instead of 12000? Version 3.12.1, build 20240115.\"}],\"stream\":true,\"metadata\":{\"user_id\":\"u-7f3a9c\"}}";
}
