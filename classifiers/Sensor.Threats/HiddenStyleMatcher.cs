using System.Buffers;
using System.Globalization;

namespace Sensor.Threats;

/// <summary>One element start tag whose inline style hides it: where the tag is, its name, and the hiding declaration as written.</summary>
internal readonly record struct HiddenStyleMatch(int Index, int Length, string Tag, string Declaration);

/// <summary>
/// <see cref="HiddenContent.HiddenStylePattern"/> matched by hand, with the regex's matches, positions and groups
/// (tests compare both on seeded random text), in time linear in the text. Replaces a NonBacktracking regex whose
/// construction (and the JIT of its engine) cost more CPU at start-up than all its scans of the 1 GiB harness capture.
/// </summary>
/// <remarks>
/// Why the regex reduces to this: every piece after the tag name is a character other than '>', so a match runs from
/// its '&lt;' to the first '>' after it. The name is the longest run of <c>[a-z0-9]</c> (a shorter one is followed by
/// a word character, failing <c>\b</c>). The greedy <c>[^>]*</c> before <c>\bstyle</c> and before the declaration
/// leave the declaration group on the last declaration of the tag, which matches when some <c>style=</c> comes before it.
/// </remarks>
internal static class HiddenStyleMatcher
{
    /// <summary>
    /// The next match at or after <paramref name="at"/>, which moves past it: called until false, gives the matches
    /// <c>Regex.Matches</c> gives, in order.
    /// </summary>
    public static bool TryFindNext(string text, ref int at, out HiddenStyleMatch match)
    {
        match = default;
        while (at < text.Length)
        {
            var open = text.IndexOf('<', at);
            if (open < 0)
            {
                break;
            }

            var nameEnd = NameEnd(text, open + 1);
            if (nameEnd < 0)
            {
                at = open + 1;
                continue;
            }

            var close = text.IndexOf('>', nameEnd);
            if (close < 0)
            {
                // No later '<' has a '>' after it either.
                break;
            }

            // On a miss, a later '<' before this '>' ends at the same '>' and sees a suffix of this tag: a miss too.
            at = close + 1;
            if (TryMatchTag(text, nameEnd, close, out var declaration))
            {
                match = new HiddenStyleMatch(open, close + 1 - open, text[(open + 1)..nameEnd], declaration);
                return true;
            }
        }

        at = text.Length;
        return false;
    }

    /// <summary>The end of <c>[a-z][a-z0-9]*\b</c> at <paramref name="start"/> (ignoring case), or -1.</summary>
    private static int NameEnd(string text, int start)
    {
        if (start >= text.Length || !IsNameLetter(text[start]))
        {
            return -1;
        }

        var end = start + 1;
        while (end < text.Length && (IsNameLetter(text[end]) || char.IsAsciiDigit(text[end])))
        {
            end++;
        }

        return end < text.Length && !IsWordChar(text[end]) ? end : -1;
    }

    /// <summary>Inside a tag (<paramref name="from"/>..<paramref name="close"/>): a <c>style=</c>, and a hiding declaration after it.</summary>
    private static bool TryMatchTag(string text, int from, int close, out string declaration)
    {
        declaration = string.Empty;
        var afterStyle = FirstStyleAssignment(text, from, close);
        if (afterStyle < 0)
        {
            return false;
        }

        // The last declaration of the tag, as the greedy [^>]* before it leaves it.
        for (var at = close - 1; at >= afterStyle; at--)
        {
            if (!IsWordChar(text[at - 1]) && DeclarationEnd(text, at, close) is var end and > 0)
            {
                declaration = text[at..end];
                return true;
            }
        }

        return false;
    }

    /// <summary>The position after the '=' of the first <c>\bstyle\s*=</c> in the range, or -1.</summary>
    private static int FirstStyleAssignment(string text, int from, int close)
    {
        var span = text.AsSpan(0, close);
        for (var at = from; at < close;)
        {
            var found = span[at..].IndexOf("style", StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return -1;
            }

            var start = at + found;
            at = start + 1;
            if (!IsAsciiWord(text, start, "style") || IsWordChar(text[start - 1]))
            {
                continue;
            }

            var next = SkipSpace(text, start + 5, close);
            if (next < close && text[next] == '=')
            {
                return next + 1;
            }
        }

        return -1;
    }

    /// <summary>The end of a hiding declaration starting at <paramref name="at"/>, or 0.</summary>
    private static int DeclarationEnd(string text, int at, int close) => (text[at] | 0x20) switch
    {
        'd' => Declaration(text, at, close, "display", "none"),
        'v' => Declaration(text, at, close, "visibility", "hidden"),
        'f' => ZeroDeclaration(text, at, close, "font-size", units: true),
        'o' => ZeroDeclaration(text, at, close, "opacity", units: false),
        _ => 0,
    };

    /// <summary><c>property\s*:\s*value</c>.</summary>
    private static int Declaration(string text, int at, int close, string property, string value)
    {
        var next = Colon(text, at, close, property);
        return next > 0 && IsAsciiWord(text, next, value, close) ? next + value.Length : 0;
    }

    /// <summary><c>property\s*:\s*0(px|pt|em)?\s*[;"']</c> (the unit only for font-size).</summary>
    private static int ZeroDeclaration(string text, int at, int close, string property, bool units)
    {
        var next = Colon(text, at, close, property);
        if (next <= 0 || next >= close || text[next] != '0')
        {
            return 0;
        }

        next++;
        if (units && next + 2 <= close && (IsAsciiWord(text, next, "px", close) || IsAsciiWord(text, next, "pt", close) || IsAsciiWord(text, next, "em", close))
            && Terminator(text, next + 2, close) is var withUnit and > 0)
        {
            return withUnit;
        }

        return Terminator(text, next, close);
    }

    /// <summary>After <c>property\s*:\s*</c>, or 0.</summary>
    private static int Colon(string text, int at, int close, string property)
    {
        if (!IsAsciiWord(text, at, property, close))
        {
            return 0;
        }

        var next = SkipSpace(text, at + property.Length, close);
        return next < close && text[next] == ':' ? SkipSpace(text, next + 1, close) : 0;
    }

    /// <summary>After <c>\s*[;"']</c>, or 0.</summary>
    private static int Terminator(string text, int at, int close)
    {
        var next = SkipSpace(text, at, close);
        return next < close && text[next] is ';' or '"' or '\'' ? next + 1 : 0;
    }

    private static int SkipSpace(string text, int at, int close)
    {
        while (at < close && char.IsWhiteSpace(text[at]))
        {
            at++;
        }

        return at;
    }

    /// <summary>
    /// <paramref name="word"/> (lower-case ASCII letters, digits, '-') at <paramref name="at"/>, ignoring case as the
    /// regex's invariant IgnoreCase does: for these letters only their ASCII upper case (the Kelvin sign folds to 'k', unused).
    /// </summary>
    private static bool IsAsciiWord(string text, int at, string word, int end = int.MaxValue)
    {
        if (at + word.Length > Math.Min(end, text.Length))
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            var c = text[at + i];
            var expected = word[i];
            if (c != expected && (!char.IsAsciiLetterLower(expected) || c != char.ToUpperInvariant(expected)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>[a-z]</c> under the regex's invariant IgnoreCase: ASCII letters and the Kelvin sign (U+212A, folds to 'k').</summary>
    private static bool IsNameLetter(char c) => char.IsAsciiLetter(c) || c == '\u212A';

    /// <summary>A word character for <c>\b</c> as .NET's regex engines define it: letters, non-spacing marks, decimal digits, connector punctuation, ZWJ and ZWNJ.</summary>
    internal static bool IsWordChar(char c)
    {
        if (char.IsAscii(c))
        {
            return char.IsAsciiLetterOrDigit(c) || c == '_';
        }

        return c is '\u200C' or '\u200D' || s_wordCategories.Contains(char.GetUnicodeCategory(c));
    }

    private static readonly HashSet<UnicodeCategory> s_wordCategories =
    [
        UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter, UnicodeCategory.ModifierLetter,
        UnicodeCategory.OtherLetter, UnicodeCategory.NonSpacingMark, UnicodeCategory.DecimalDigitNumber, UnicodeCategory.ConnectorPunctuation,
    ];
}
