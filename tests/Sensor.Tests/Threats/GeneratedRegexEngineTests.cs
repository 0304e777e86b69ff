using System.Text;
using System.Text.RegularExpressions;
using Sensor.Threats;

namespace Sensor.Tests.Threats;

/// <summary>
/// The tool-poisoning patterns and the ignore-previous-instructions pattern are source-generated (backtracking) rather than built with NonBacktracking at start-up:
/// on seeded random text over the patterns' own vocabulary both engines give the same matches, positions and groups.
/// </summary>
public sealed class GeneratedRegexEngineTests
{
    // Words of the patterns (in several cases), their near misses, whitespace of several kinds, and the punctuation
    // the patterns use; random concatenations of these make matches, partial matches and overlaps likely.
    private static readonly string[] s_pieces =
    [
        "<", ">", "< ", " >", "important", "IMPORTANT", "System", "instruction", "instructions", "hidden", "secret", "critical", "importan",
        "~/.ssh", "id_rsa", "ID_ED25519", "id_dsax", ".aws/credentials", "mcp.json", "mcp.jsonx", ".env", ".envy", ".netrc", ".npmrc",
        ".git-credentials", ".kube/config", ".KUBE/CONFIG", "private key", "private_keys", "private-keyz", "read", "READ", "cat", "concat",
        "open", "pass", "passing", "send", "include", "provide", "upload", "attach", "copy", "forward", "append", "do", "not", "don't",
        "never", "tell", "mention", "show", "inform", "reveal", "notify", "alert", "display", "displays", "without", "telling", "informing",
        "asking", "notifying", "alerting", "the", "user", "users", "human", "must", "should", "know", "see", "be", "told",
        " ", "  ", "\t", "\n", "\u00A0", ".", ",", "_", "-", "é", "K", "\u212A", "\u017F",
        "<important>", "< SYSTEM >", "<instructions\t>", "<instruction>", "<Hidden >", "<secret", "critical>", "do not tell", "DO  NOT\nmention",
        "don't show", "never inform", "never  reveal", "do not notify", "without telling the user", "without  asking the\tuser",
        "without notifying the", "user must not know", "human should not be told", "user should not see", "users must not",
        "ignore", "Disregard", "forget", "all", "any", "previous", "prior", "above", "earlier", "preceding", "instructions", "prompt", "prompts",
        "messages", "rules", "ignore all previous instructions", "disregard the above rules", "forget any prior prompts", "ignore previous",
    ];

    public static TheoryData<string> Patterns => new(
        ToolPoisoningRules.InstructionTagPattern,
        ToolPoisoningRules.SecretPathPattern,
        ToolPoisoningRules.ReadVerbPattern,
        ToolPoisoningRules.ConcealVerbPattern,
        ToolPoisoningRules.ConcealPhrasePattern,
        HiddenContent.IgnorePreviousPattern);

    [Theory]
    [MemberData(nameof(Patterns))]
    public void GeneratedRegex_MatchesLikeNonBacktracking(string pattern)
    {
        var generated = pattern switch
        {
            ToolPoisoningRules.InstructionTagPattern => ToolPoisoningRules.InstructionTag(),
            ToolPoisoningRules.SecretPathPattern => ToolPoisoningRules.SecretPath(),
            ToolPoisoningRules.ReadVerbPattern => ToolPoisoningRules.ReadVerb(),
            ToolPoisoningRules.ConcealVerbPattern => ToolPoisoningRules.ConcealVerb(),
            ToolPoisoningRules.ConcealPhrasePattern => ToolPoisoningRules.ConcealPhrase(),
            _ => HiddenContent.IgnorePreviousRegex(),
        };
        var reference = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        var random = new Random(pattern.Length);
        var matched = 0;
        for (var round = 0; round < 4000; round++)
        {
            var builder = new StringBuilder();
            for (var i = random.Next(1, 24); i > 0; i--)
            {
                builder.Append(s_pieces[random.Next(s_pieces.Length)]);
                if (random.Next(3) == 0)
                {
                    builder.Append(' ');
                }
            }

            var text = builder.ToString();
            Assert.Equal(Describe(reference.Matches(text)), Describe(generated.Matches(text)));
            matched += reference.IsMatch(text) ? 1 : 0;
        }

        // The vocabulary makes matches common: the comparison covered matching texts, not only misses.
        Assert.True(matched > 100, $"{matched} matching texts");
    }

    private static string Describe(MatchCollection matches) =>
        string.Join(";", matches.Select(m => $"{m.Index}+{m.Length}:{string.Join("|", m.Groups.Values.Skip(1).Select(g => g.Success ? g.Value : "-"))}"));
}
