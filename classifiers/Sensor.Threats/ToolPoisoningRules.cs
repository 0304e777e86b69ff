using System.Text.RegularExpressions;

namespace Sensor.Threats;

/// <summary>
/// The rules for hidden instructions in a tool's description or a parameter's description (Invariant Labs' tool
/// poisoning, reference.md §7): instruction blocks (<c>&lt;IMPORTANT&gt;</c>), HTML comments, invisible Unicode,
/// instructions to read files, keys or credentials, and instructions to hide actions from the user.
/// </summary>
internal static class ToolPoisoningRules
{
    public const string HiddenComment = "hidden HTML comment";
    public const string ReadsSecrets = "instruction to read files, keys or credentials";
    public const string HidesFromUser = "instruction to hide actions from the user";

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>Tags that models are trained to obey and UIs do not render: the evidence is the tag as written, upper-cased.</summary>
    private static readonly Regex s_instructionTag = new(@"<\s*(important|system|instructions?|hidden|secret|critical)\s*>", Options);

    // Key material and credential files by name: bare words such as "secret" or "password" also describe honest
    // secret-management tools, so they are not enough.
    private static readonly Regex s_secretPath = new(
        @"(~/\.ssh|\bid_(rsa|ed25519|ecdsa|dsa)\b|\.aws/credentials|\bmcp\.json\b|\.env\b|\.netrc\b|\.npmrc\b|\.git-credentials|\.kube/config|\bprivate[ _-]keys?\b)",
        Options);

    private static readonly Regex s_readVerb = new(@"\b(read|cat|open|pass|send|include|provide|upload|attach|copy|forward|append)\b", Options);

    // "Do not tell/mention ... the user": the verb phrase by regex, "user" within ConcealReach characters of the same
    // sentence by hand. A counted gap ([^.]{0,80}) inside the pattern multiplies NonBacktracking's DFA states.
    private static readonly Regex s_concealVerb = new(@"\b(do\s+not|don't|never)\s+(tell|mention|show|inform|reveal|notify|alert|display)\b", Options);

    private static readonly Regex s_concealPhrase = new(@"\bwithout\s+(telling|informing|asking|notifying|alerting)\s+the\s+user\b|\b(user|human)\s+(must|should)\s+not\s+(know|see|be\s+told)\b", Options);

    /// <summary>Characters after "do not tell" in which "user" must appear (Invariant's example puts it 60 characters on).</summary>
    private const int ConcealReach = 80;

    /// <summary>Adds to <paramref name="rules"/> every rule <paramref name="description"/> breaks (each once).</summary>
    public static void Check(string description, List<string> rules, List<HiddenMatch> scratch)
    {
        if (s_instructionTag.Match(description) is { Success: true } tag)
        {
            AddOnce(rules, "<" + tag.Groups[1].Value.ToUpperInvariant() + ">");
        }

        scratch.Clear();
        HiddenContent.Find(description, scratch);
        foreach (var hidden in scratch)
        {
            AddOnce(rules, hidden.Evidence == HiddenContent.HtmlComment ? HiddenComment : hidden.Evidence);
        }

        if (s_secretPath.IsMatch(description) && s_readVerb.IsMatch(description))
        {
            AddOnce(rules, ReadsSecrets);
        }

        if (s_concealPhrase.IsMatch(description) || ConcealsFromUser(description))
        {
            AddOnce(rules, HidesFromUser);
        }
    }

    private static void AddOnce(List<string> rules, string rule)
    {
        if (!rules.Contains(rule))
        {
            rules.Add(rule);
        }
    }

    private static bool ConcealsFromUser(string description)
    {
        foreach (var match in s_concealVerb.EnumerateMatches(description))
        {
            var after = description.AsSpan(match.Index + match.Length);
            after = after[..Math.Min(after.Length, ConcealReach)];
            var stop = after.IndexOf('.');
            if ((stop < 0 ? after : after[..stop]).Contains("user", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
