using System.Buffers;

namespace Sensor.Threats;

/// <summary>
/// <see cref="CredentialSniffer.Pattern"/> matched by hand at one position: every alternative starts with its own
/// literal prefix and its character runs cannot contain what follows them, so each has at most one match at a position
/// and no backtracking is needed. Replaces a NonBacktracking regex whose construction (and the JIT of its engine) cost
/// more CPU at start-up than all its scans of the 1 GiB harness capture.
/// </summary>
internal static class CredentialMatcher
{
    /// <summary>
    /// Whether a credential starts at <paramref name="start"/>: its type, the regex match's length, and for a PEM
    /// header the label between <c>-----BEGIN </c> and <c>-----</c> (null otherwise).
    /// </summary>
    public static bool TryMatch(string text, int start, out string type, out int length, out string? pemLabel)
    {
        var s = text.AsSpan(start);
        pemLabel = null;
        type = string.Empty;
        length = s[0] switch
        {
            '-' => Pem(s, out pemLabel),
            'g' => GitHubOrGitLab(s, out type),
            'x' => Slack(s),
            's' => OpenAiOrAnthropic(s, out type),
            'A' => AwsAtlassianOrGoogle(s, out type),
            'n' => s.StartsWith("ntn_") ? Run(s, 4, s_alphaNumeric, 40) : 0,
            'e' => Jwt(s),
            _ => 0,
        };

        if (length == 0)
        {
            return false;
        }

        type = s[0] switch
        {
            '-' => "private_key",
            'x' => "slack_token",
            'n' => "notion_token",
            'e' => "jwt",
            _ => type,
        };
        return true;
    }

    private static int Pem(ReadOnlySpan<char> s, out string? label)
    {
        label = null;
        const string Begin = "-----BEGIN ";
        if (!s.StartsWith(Begin))
        {
            return 0;
        }

        var rest = s[Begin.Length..];
        foreach (var kind in s_pemKinds)
        {
            // (RSA |EC |...)? then "PRIVATE KEY-----": the kinds and "PRIVATE" differ in their first letters.
            if (rest.StartsWith(kind) && rest[kind.Length..].StartsWith("PRIVATE KEY-----"))
            {
                label = kind + "PRIVATE KEY";
                return Begin.Length + label.Length + 5;
            }
        }

        return 0;
    }

    // The empty kind last: the optional group is tried before skipping it, as the regex does.
    private static readonly string[] s_pemKinds = ["RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", ""];

    private static int GitHubOrGitLab(ReadOnlySpan<char> s, out string type)
    {
        type = "github_token";
        if (s.Length >= 4 && s[1] == 'h' && s[2] is 'p' or 'o' or 'u' or 's' or 'r' && s[3] == '_')
        {
            return Exactly(s, 4, s_alphaNumeric, 36);
        }

        if (s.StartsWith("github_pat_"))
        {
            return Exactly(s, 11, s_word, 82);
        }

        type = "gitlab_pat";
        return s.StartsWith("glpat-") ? Exactly(s, 6, s_wordOrDash, 20) : 0;
    }

    private static int Slack(ReadOnlySpan<char> s) =>
        s.Length >= 5 && s.StartsWith("xox") && s[3] is 'a' or 'b' or 'p' or 'o' or 's' or 'r' && s[4] == '-'
            ? Run(s, 5, s_alphaNumericOrDash, 10)
            : 0;

    private static int OpenAiOrAnthropic(ReadOnlySpan<char> s, out string type)
    {
        type = "anthropic_key";
        if (s.StartsWith("sk-ant-"))
        {
            foreach (var version in s_anthropicVersions)
            {
                if (s[7..].StartsWith(version))
                {
                    return Run(s, 7 + version.Length, s_wordOrDash, 20);
                }
            }

            return 0;
        }

        type = "openai_key";
        foreach (var project in s_openAiKinds)
        {
            if (s.StartsWith(project))
            {
                return Run(s, project.Length, s_wordOrDash, 20);
            }
        }

        return 0;
    }

    private static readonly string[] s_anthropicVersions = ["api03-", "admin01-", "oat01-", "sid01-"];
    private static readonly string[] s_openAiKinds = ["sk-proj-", "sk-svcacct-", "sk-admin-"];

    private static int AwsAtlassianOrGoogle(ReadOnlySpan<char> s, out string type)
    {
        type = "aws_access_key_id";
        if (s.StartsWith("AKIA") || s.StartsWith("ASIA"))
        {
            return Exactly(s, 4, s_upperOrDigit, 16);
        }

        type = "atlassian_api_token";
        if (s.StartsWith("ATATT3"))
        {
            return Run(s, 6, s_atlassianChar, 40);
        }

        type = "google_api_key";
        return s.StartsWith("AIza") ? Exactly(s, 4, s_wordOrDash, 35) : 0;
    }

    /// <summary><c>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}</c>: no run holds the dot after it.</summary>
    private static int Jwt(ReadOnlySpan<char> s)
    {
        if (!s.StartsWith("eyJ"))
        {
            return 0;
        }

        var header = Run(s, 3, s_wordOrDash, 8);
        if (header == 0 || header >= s.Length || s[header] != '.' || !s[(header + 1)..].StartsWith("eyJ"))
        {
            return 0;
        }

        var payload = Run(s, header + 4, s_wordOrDash, 8);
        if (payload == 0 || payload >= s.Length || s[payload] != '.')
        {
            return 0;
        }

        return Run(s, payload + 1, s_wordOrDash, 16);
    }

    /// <summary>The end of <paramref name="from"/> plus exactly <paramref name="count"/> characters of a class, or 0.</summary>
    private static int Exactly(ReadOnlySpan<char> s, int from, SearchValues<char> inClass, int count) =>
        s.Length >= from + count && !s.Slice(from, count).ContainsAnyExcept(inClass) ? from + count : 0;

    /// <summary>The end of the longest run of a class from <paramref name="from"/> when it has at least <paramref name="min"/> characters, or 0.</summary>
    private static int Run(ReadOnlySpan<char> s, int from, SearchValues<char> inClass, int min)
    {
        var run = s[from..].IndexOfAnyExcept(inClass);
        var length = run < 0 ? s.Length - from : run;
        return length >= min ? from + length : 0;
    }

    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    private static readonly SearchValues<char> s_alphaNumeric = SearchValues.Create(Letters + Digits);
    private static readonly SearchValues<char> s_word = SearchValues.Create(Letters + Digits + "_");
    private static readonly SearchValues<char> s_wordOrDash = SearchValues.Create(Letters + Digits + "_-");
    private static readonly SearchValues<char> s_alphaNumericOrDash = SearchValues.Create(Letters + Digits + "-");
    private static readonly SearchValues<char> s_upperOrDigit = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ" + Digits);
    private static readonly SearchValues<char> s_atlassianChar = SearchValues.Create(Letters + Digits + "_-=");
}
