using System.Text;
using System.Text.RegularExpressions;
using Sensor.Threats;

namespace Sensor.Tests.Threats;

/// <summary>
/// The credential formats and the CSS-hidden element rule are matched by hand instead of by NonBacktracking regexes
/// (built at start-up, their engine JIT-compiled): on seeded random text over the patterns' own vocabulary, the hand
/// matchers give the regexes' matches, positions and groups.
/// </summary>
public sealed class HandMatcherTests
{
    private static readonly Regex s_credentialRegex = new(
        CredentialSniffer.Pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.ExplicitCapture);

    private static readonly Regex s_styleRegex = new(
        HiddenContent.HiddenStylePattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    private static readonly string[] s_credentialPieces =
    [
        "-----BEGIN ", "-----BEGIN", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", "PRIVATE KEY", "PRIVATE KEY-----", "-----", "-----END ",
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "ghx_", "gh", "github_pat_", "github_pat", "glpat-", "glpat_", "xoxa-", "xoxb-", "xoxr-", "xoxz-",
        "xox", "sk-ant-api03-", "sk-ant-admin01-", "sk-ant-oat01-", "sk-ant-sid01-", "sk-ant-api04-", "sk-ant-", "sk-proj-", "sk-svcacct-",
        "sk-admin-", "sk-", "AKIA", "ASIA", "AKIB", "ATATT3", "ATATT", "ntn_", "AIza", "AIzb", "eyJ", ".eyJ", ".", " ", "_", "-", "=", "\n", "é",
    ];

    private static readonly string[] s_runAlphabets =
    [
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "abcXYZ019_-", "abcXYZ019_-=", "abcXYZ019-",
    ];

    private static readonly int[] s_runLengths = [1, 5, 7, 8, 9, 10, 11, 15, 16, 17, 19, 20, 21, 35, 36, 37, 39, 40, 41, 81, 82, 83, 90];

    [Fact]
    public void CredentialSniffer_FindsWhatTheRegexFinds()
    {
        var random = new Random(20261124);
        var matched = 0;
        for (var round = 0; round < 6000; round++)
        {
            var builder = new StringBuilder();
            for (var i = random.Next(1, 10); i > 0; i--)
            {
                builder.Append(s_credentialPieces[random.Next(s_credentialPieces.Length)]);
                if (random.Next(2) == 0)
                {
                    var alphabet = s_runAlphabets[random.Next(s_runAlphabets.Length)];
                    for (var n = s_runLengths[random.Next(s_runLengths.Length)]; n > 0; n--)
                    {
                        builder.Append(alphabet[random.Next(alphabet.Length)]);
                    }
                }
            }

            var text = builder.ToString();
            var expected = Oracle(text);
            var actual = new List<CredentialHit>();
            CredentialSniffer.Find(text, actual);
            Assert.Equal(expected, actual);
            matched += expected.Count > 0 ? 1 : 0;
        }

        Assert.True(matched > 1000, $"{matched} texts with credentials");
    }

    [Theory]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----", "ssh_private_key")]
    [InlineData("token ghp_0123456789abcdefghijABCDEFGHIJ012345 here", "github_token")]
    [InlineData("xoxb-1234567890-abc", "slack_token")]
    [InlineData("AKIAABCDEFGHIJKLMNOP", "aws_access_key_id")]
    [InlineData("eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV", "jwt")]
    public void CredentialSniffer_FindsEachFormat(string text, string type)
    {
        var hits = new List<CredentialHit>();
        CredentialSniffer.Find(text, hits);
        Assert.Equal(type, Assert.Single(hits).Type);
        Assert.Equal(Oracle(text), hits);
    }

    private static readonly string[] s_stylePieces =
    [
        "<", ">", "</", "<div", "<span", "<p", "<DIV", "<a_", "<a1", "<é", "<\u212Aa", "<1", "< div", "div", "span", " ", "  ", "\t", "\n",
        "\u00A0", "\u200C", "\u200D", "é", "_", "x", "1", "style", "STYLE", "Style", "styles", "xstyle", "_style", "\u017Ftyle", "=", " = ", "\"", "'",
        ";", ":", " : ", "display", "DISPLAY", "display:none", "display : none", "display:nonesuch", "xdisplay:none", "visibility", "visibility:hidden",
        "Visibility :\tHIDDEN", "hidden", "none", "font-size", "font-size:0", "font-size: 0px;", "font-size:0PT'", "font-size:0em \"", "font-size:0 px;",
        "font-size:0;", "font-size:0px", "opacity", "opacity:0;", "opacity: 0 '", "opacity:0.5;", "opacity:0", "0", "px", "pt", "em",
        "<div style=\"display:none\">", "<span style='opacity:0;'>", "<p class=x style=\"color:red;font-size:0px;\">", "</div>", "text",
    ];

    [Fact]
    public void HiddenStyleMatcher_MatchesLikeTheRegex()
    {
        var random = new Random(4096);
        var matched = 0;
        for (var round = 0; round < 6000; round++)
        {
            var builder = new StringBuilder();
            for (var i = random.Next(1, 30); i > 0; i--)
            {
                builder.Append(s_stylePieces[random.Next(s_stylePieces.Length)]);
            }

            var text = builder.ToString();
            var expected = string.Join(";", s_styleRegex.Matches(text).Select(m => $"{m.Index}+{m.Length}:{m.Groups[1].Value}|{m.Groups[2].Value}"));
            var actual = new List<string>();
            var at = 0;
            while (HiddenStyleMatcher.TryFindNext(text, ref at, out var match))
            {
                actual.Add($"{match.Index}+{match.Length}:{match.Tag}|{match.Declaration}");
            }

            Assert.Equal(expected, string.Join(";", actual));
            matched += expected.Length > 0 ? 1 : 0;
        }

        Assert.True(matched > 1000, $"{matched} texts with hidden elements");
    }

    [Fact]
    public void HiddenStyleMatcher_WordCharactersAreTheRegexOnes()
    {
        // "a" then c: \B holds exactly when c is a word character for the regex's \b.
        var boundary = new Regex(@"^a\B", RegexOptions.CultureInvariant);
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsSurrogate((char)c))
            {
                continue;
            }

            Assert.True(boundary.IsMatch("a" + (char)c) == HiddenStyleMatcher.IsWordChar((char)c), $"U+{c:X4}");
        }
    }

    [Fact]
    public void HiddenStyleMatcher_LongTagWithoutDeclaration_IsNoMatch()
    {
        // Many '<' and 'style=' inside one tag: each '<' is judged once (a miss skips the tag), so this stays linear.
        var text = "<a " + string.Concat(Enumerable.Repeat("<b style= ", 20_000)) + ">";
        var at = 0;
        Assert.False(HiddenStyleMatcher.TryFindNext(text, ref at, out _));
        Assert.DoesNotMatch(s_styleRegex, text);
    }

    /// <summary>What CredentialSniffer.Find gave when it ran the regex.</summary>
    private static List<CredentialHit> Oracle(string text)
    {
        var hits = new List<CredentialHit>();
        if (!CredentialSniffer.MayContain(text))
        {
            return hits;
        }

        (string Group, string Type)[] types =
        [
            ("pem", "private_key"), ("github", "github_token"), ("gitlab", "gitlab_pat"), ("slack", "slack_token"),
            ("anthropic", "anthropic_key"), ("openai", "openai_key"), ("aws", "aws_access_key_id"), ("atlassian", "atlassian_api_token"),
            ("notion", "notion_token"), ("google", "google_api_key"), ("jwt", "jwt"),
        ];
        string[] prefixes =
        [
            "sk-ant-api03-", "sk-ant-admin01-", "sk-ant-oat01-", "sk-ant-sid01-", "sk-proj-", "sk-svcacct-", "sk-admin-", "github_pat_",
            "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "glpat-", "AKIA", "ASIA", "ATATT3", "ntn_", "AIza", "eyJ",
        ];
        var found = 0;
        foreach (Match match in s_credentialRegex.Matches(text))
        {
            if (found++ >= CredentialSniffer.MaxHitsPerText)
            {
                break;
            }

            foreach (var (group, type) in types)
            {
                var g = match.Groups[group];
                if (!g.Success)
                {
                    continue;
                }

                if (group == "pem")
                {
                    var end = text.IndexOf("-----END ", match.Index, StringComparison.Ordinal);
                    var close = end < 0 ? -1 : text.IndexOf("-----", end + 9, StringComparison.Ordinal);
                    var length = (close < 0 ? text.Length : close + 5) - match.Index;
                    var kind = g.Value.StartsWith("OPENSSH", StringComparison.Ordinal) ? "ssh_private_key" : type;
                    hits.Add(new CredentialHit(kind, "-----BEGIN " + g.Value + "-----", match.Index, length));
                }
                else
                {
                    var prefix = prefixes.FirstOrDefault(p => g.Value.StartsWith(p, StringComparison.Ordinal)) ?? g.Value[..Math.Min(5, g.Value.Length)];
                    hits.Add(new CredentialHit(type, prefix, match.Index, match.Length));
                }

                break;
            }
        }

        return hits;
    }
}
