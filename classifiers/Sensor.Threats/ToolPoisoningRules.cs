using System.Text.RegularExpressions;

namespace Sensor.Threats;

/// <summary>
/// The rules for hidden instructions in a tool's description or a parameter's description (Invariant Labs' tool
/// poisoning, reference.md §7): instruction blocks (<c>&lt;IMPORTANT&gt;</c>), HTML comments, invisible Unicode,
/// instructions to read files, keys or credentials, and instructions to hide actions from the user.
/// </summary>
internal static partial class ToolPoisoningRules
{
    public const string HiddenComment = "hidden HTML comment";
    public const string ReadsSecrets = "instruction to read files, keys or credentials";
    public const string HidesFromUser = "instruction to hide actions from the user";

    // Source-generated, so nothing is built at start-up (constructing these five with NonBacktracking cost more CPU than
    // running them over every description of the 1 GiB harness capture). Backtracking is safe here: every loop is a
    // \s+ or \s* followed by a letter or '>' it cannot match (the generator makes such loops atomic), and the rest are
    // literal alternations, so a match attempt costs at most the whitespace run after its start. Same matches as the
    // NonBacktracking engine gave (GeneratedRegexEngineTests compares both on seeded random text).
    internal const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>Tags that models are trained to obey and UIs do not render: the evidence is the tag as written, upper-cased.</summary>
    internal const string InstructionTagPattern = @"<\s*(important|system|instructions?|hidden|secret|critical)\s*>";

    [GeneratedRegex(InstructionTagPattern, Options)]
    internal static partial Regex InstructionTag();

    // Key material and credential files by name: bare words such as "secret" or "password" also describe honest
    // secret-management tools, so they are not enough.
    internal const string SecretPathPattern = @"(~/\.ssh|\bid_(rsa|ed25519|ecdsa|dsa)\b|\.aws/credentials|\bmcp\.json\b|\.env\b|\.netrc\b|\.npmrc\b|\.git-credentials|\.kube/config|\bprivate[ _-]keys?\b)";

    [GeneratedRegex(SecretPathPattern, Options)]
    internal static partial Regex SecretPath();

    internal const string ReadVerbPattern = @"\b(read|cat|open|pass|send|include|provide|upload|attach|copy|forward|append)\b";

    [GeneratedRegex(ReadVerbPattern, Options)]
    internal static partial Regex ReadVerb();

    // "Do not tell/mention ... the user": the verb phrase by regex, "user" within ConcealReach characters of the same
    // sentence by hand. A counted gap ([^.]{0,80}) inside the pattern multiplies NonBacktracking's DFA states.
    internal const string ConcealVerbPattern = @"\b(do\s+not|don't|never)\s+(tell|mention|show|inform|reveal|notify|alert|display)\b";

    [GeneratedRegex(ConcealVerbPattern, Options)]
    internal static partial Regex ConcealVerb();

    internal const string ConcealPhrasePattern = @"\bwithout\s+(telling|informing|asking|notifying|alerting)\s+the\s+user\b|\b(user|human)\s+(must|should)\s+not\s+(know|see|be\s+told)\b";

    [GeneratedRegex(ConcealPhrasePattern, Options)]
    internal static partial Regex ConcealPhrase();

    /// <summary>Characters after "do not tell" in which "user" must appear (Invariant's example puts it 60 characters on).</summary>
    private const int ConcealReach = 80;

    /// <summary>Adds to <paramref name="rules"/> every rule <paramref name="description"/> breaks (each once).</summary>
    public static void Check(string description, List<string> rules, List<HiddenMatch> scratch)
    {
        if (InstructionTag().Match(description) is { Success: true } tag)
        {
            AddOnce(rules, "<" + tag.Groups[1].Value.ToUpperInvariant() + ">");
        }

        scratch.Clear();
        HiddenContent.Find(description, scratch);
        foreach (var hidden in scratch)
        {
            AddOnce(rules, hidden.Evidence == HiddenContent.HtmlComment ? HiddenComment : hidden.Evidence);
        }

        if (SecretPath().IsMatch(description) && ReadVerb().IsMatch(description))
        {
            AddOnce(rules, ReadsSecrets);
        }

        if (ConcealPhrase().IsMatch(description) || ConcealsFromUser(description))
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
        foreach (var match in ConcealVerb().EnumerateMatches(description))
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
