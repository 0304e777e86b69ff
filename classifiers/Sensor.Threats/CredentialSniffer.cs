using System.Buffers;
using System.Text;

namespace Sensor.Threats;

/// <summary>A credential found in a string: its type, a non-secret format prefix, and where it sits.</summary>
internal readonly record struct CredentialHit(string Type, string FormatPrefix, int Index, int Length);

/// <summary>
/// The credentials whose presence in an MCP tool argument is a finding by itself (reference.md §5 formats): private
/// keys, and tokens with an unambiguous vendor prefix. The full secret rule pack (validators, keywords, PII) is the
/// detectors' job; this small set only has to recognise what an agent would be tricked into passing along.
/// </summary>
internal static class CredentialSniffer
{
    /// <summary>Hits reported per string (a dump of many keys is one finding per argument anyway).</summary>
    public const int MaxHitsPerText = 8;

    private static readonly SearchValues<string> s_prefixes = SearchValues.Create(
        ["-----BEGIN", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "sk-ant-", "sk-proj-", "sk-svcacct-", "sk-admin-", "AKIA", "ASIA", "ATATT3", "ntn_", "AIza", "eyJ"],
        StringComparison.Ordinal);

    /// <summary>
    /// The formats as one regex, kept as the specification <see cref="CredentialMatcher"/> implements by hand (tests
    /// compare both on seeded random text). Lengths are the formats' own (reference.md §5), lower bounds where they vary.
    /// </summary>
    internal const string Pattern =
        @"-----BEGIN (?<pem>(RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----"
        + @"|(?<github>(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})"
        + @"|(?<gitlab>glpat-[A-Za-z0-9_\-]{20})"
        + @"|(?<slack>xox[abposr]-[A-Za-z0-9\-]{10,})"
        + @"|(?<anthropic>sk-ant-(api03|admin01|oat01|sid01)-[A-Za-z0-9_\-]{20,})"
        + @"|(?<openai>sk-(proj|svcacct|admin)-[A-Za-z0-9_\-]{20,})"
        + @"|(?<aws>(AKIA|ASIA)[0-9A-Z]{16})"
        + @"|(?<atlassian>ATATT3[A-Za-z0-9_\-=]{40,})"
        + @"|(?<notion>ntn_[A-Za-z0-9]{40,})"
        + @"|(?<google>AIza[0-9A-Za-z_\-]{35})"
        + @"|(?<jwt>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})";

    public static bool MayContain(ReadOnlySpan<char> text) => text.IndexOfAny(s_prefixes) >= 0;

    public static void Find(string text, List<CredentialHit> into)
    {
        if (!MayContain(text))
        {
            return;
        }

        var found = 0;
        var at = 0;
        while (at < text.Length && found < MaxHitsPerText)
        {
            var next = text.AsSpan(at).IndexOfAny(s_prefixes);
            if (next < 0)
            {
                break;
            }

            var start = at + next;
            if (!CredentialMatcher.TryMatch(text, start, out var type, out var length, out var pemLabel))
            {
                at = start + 1;
                continue;
            }

            found++;
            if (pemLabel is not null)
            {
                // The whole armoured block is the secret: up to the END line when present.
                var end = text.IndexOf("-----END ", start, StringComparison.Ordinal);
                var close = end < 0 ? -1 : text.IndexOf("-----", end + 9, StringComparison.Ordinal);
                var blockLength = (close < 0 ? text.Length : close + 5) - start;
                var kind = pemLabel.StartsWith("OPENSSH", StringComparison.Ordinal) ? "ssh_private_key" : type;
                into.Add(new CredentialHit(kind, "-----BEGIN " + pemLabel + "-----", start, blockLength));
            }
            else
            {
                into.Add(new CredentialHit(type, FormatPrefix(text.AsSpan(start, length)), start, length));
            }

            // Matches do not overlap: the next one starts after this one (as Regex.Matches goes on).
            at = start + length;
        }
    }

    /// <summary><paramref name="text"/> with every credential replaced by its preview, for excerpts written to events.</summary>
    public static string Mask(string text)
    {
        if (!MayContain(text))
        {
            return text;
        }

        var hits = new List<CredentialHit>();
        Find(text, hits);
        if (hits.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var at = 0;
        foreach (var hit in hits)
        {
            if (hit.Index < at)
            {
                continue;
            }

            builder.Append(text, at, hit.Index - at).Append('[').Append(hit.Type).Append(' ')
                .Append(Core.Security.SecretRedaction.Preview(hit.FormatPrefix, hit.Length)).Append(']');
            at = hit.Index + hit.Length;
        }

        return builder.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>The part of a token that names its format and nothing more (<c>ghp_</c>, <c>sk-ant-api03-</c>, <c>AKIA</c>).</summary>
    private static string FormatPrefix(ReadOnlySpan<char> token)
    {
        foreach (var prefix in s_formatPrefixes)
        {
            if (token.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix;
            }
        }

        return token[..Math.Min(5, token.Length)].ToString(); // xoxb-, xoxp-...: the Slack prefix is five characters
    }

    private static readonly string[] s_formatPrefixes =
    [
        "sk-ant-api03-", "sk-ant-admin01-", "sk-ant-oat01-", "sk-ant-sid01-", "sk-proj-", "sk-svcacct-", "sk-admin-", "github_pat_",
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "glpat-", "AKIA", "ASIA", "ATATT3", "ntn_", "AIza", "eyJ",
    ];
}
