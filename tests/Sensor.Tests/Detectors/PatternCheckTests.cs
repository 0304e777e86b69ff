using System.Text.RegularExpressions;
using Sensor.Detectors.Rules;

namespace Sensor.Tests.Detectors;

/// <summary>Which patterns may wait for their rule's first window before their NonBacktracking Regex is built.</summary>
public class PatternCheckTests
{
    [Fact]
    public void EveryShippedPattern_IsBuiltLazily()
    {
        var patterns = DetectorFixture.Pack.Rules.SelectMany(r => new[] { r.PatternSource, r.SecretPatternSource }).OfType<string>().ToList();
        Assert.True(patterns.Count >= 50);
        Assert.All(patterns, p => Assert.True(PatternCheck.SafeToBuildLazily(p), p));
    }

    /// <summary>Every construct NonBacktracking refuses is built at load (so the refusal names the rule), and really is refused.</summary>
    [Theory]
    [InlineData("abc(?=def)")]
    [InlineData("abc(?!def)")]
    [InlineData("(?<=abc)def")]
    [InlineData("(?<!abc)def")]
    [InlineData("(?>abc)")]
    [InlineData("(a)\\1")]
    [InlineData("(?<n>a)\\k<n>")]
    [InlineData("(?(a)b|c)")]
    [InlineData("(?<n>a)(?<m-n>b)")]
    [InlineData("\\Gabc")]
    public void RefusedConstructs_AreBuiltAtLoad(string pattern)
    {
        Assert.False(PatternCheck.SafeToBuildLazily(pattern));
        Assert.ThrowsAny<Exception>(() => new Regex(pattern, DetectorRule.Options));
    }

    [Theory]
    [InlineData("(?x)a b # comment")]
    [InlineData("[a-z-[aeiou]]")]
    [InlineData("abc\\")]
    [InlineData("[abc")]
    public void PatternsTheCheckCannotFollow_AreBuiltAtLoad(string pattern) => Assert.False(PatternCheck.SafeToBuildLazily(pattern));

    [Theory]
    [InlineData("(?i)(?:user id|uid)=[^;\\\"'\\r\\n]{1,64}")]
    [InlineData("(?<key>[A-Z]{4})[\\]\\[(?=]+")]
    [InlineData("(?i:xoxe)-[0-9]-[A-Za-z0-9]{146}")]
    [InlineData("[\\1]a")]
    public void PlainPatterns_AreBuiltLazily_AndNonBacktrackingAcceptsThem(string pattern)
    {
        Assert.True(PatternCheck.SafeToBuildLazily(pattern));
        Assert.NotNull(new Regex(pattern, DetectorRule.Options));
    }
}
