using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Sensor.Threats;

/// <summary>One piece of text a reader of the rendered content would not see, with the rule that found it.</summary>
/// <param name="Evidence">The rule, in the captures' words (<c>html-comment</c>, <c>css-hidden-html (display:none)</c>, ...).</param>
/// <param name="HiddenText">The hidden text, decoded (tag characters to ASCII), whitespace-collapsed, not yet shortened.</param>
internal readonly record struct HiddenMatch(string Evidence, string HiddenText);

/// <summary>
/// Finds text hidden from a human reader but read by a model (reference.md §7, indirect prompt injection and tool
/// poisoning): HTML comments, CSS-hidden elements, Unicode tag characters (U+E0000–E007F, which map 1:1 to ASCII and
/// render as nothing), runs of zero-width characters, and instruction blocks such as <c>&lt;IMPORTANT&gt;</c>.
/// </summary>
internal static partial class HiddenContent
{
    public const string HtmlComment = "html-comment";
    public const string CssHidden = "css-hidden-html";
    public const string TagCharacters = "unicode-tag-characters (U+E0000 block, invisible)";
    public const string ZeroWidth = "zero-width-characters";
    public const string IgnorePrevious = "ignore-previous-instructions";

    /// <summary>Zero-width characters in one string before they count as hidden content: one or two occur in copied text, a run does not.</summary>
    public const int MinZeroWidthRun = 4;

    /// <summary>Letters an HTML comment must hold to count as hidden prose (<c>&lt;!-- header --&gt;</c> and MSO conditionals are layout).</summary>
    public const int MinCommentLetters = 16;

    /// <summary>Hidden pieces kept per string scanned (a flood of comments is reported once per kind anyway).</summary>
    public const int MaxMatchesPerText = 8;

    /// <summary>Characters of an element's hidden inner text read at most (the whole of a typical injected paragraph).</summary>
    public const int MaxHiddenElementChars = 4096;

    // Zero-width space, non-joiner, word joiner, invisible operators, BOM. Not U+200D (ZWJ): emoji sequences use it.
    private static readonly SearchValues<char> s_zeroWidth = SearchValues.Create("\u200B\u200C\u2060\u2061\u2062\u2063\u2064\uFEFF");

    // Triggers of every rule but "ignore previous instructions": '<' (comments, tags, styled elements), a high surrogate
    // of plane 14 (tag characters), zero-width characters. That rule's trigger is one of its verbs (s_ignoreVerbs).
    private static readonly SearchValues<char> s_markup = SearchValues.Create("<\uDB40\u200B\u200C\u2060\u2061\u2062\u2063\u2064\uFEFF");

    // The verbs IgnorePreviousRegex starts with. Ordinal ignore-case folds every case variant the regex's invariant
    // IgnoreCase accepts for their letters (HiddenContentPrefilterTests pins that), so no match lacks one of them; a
    // plain English text seldom has these words, and the scan is far cheaper than the regex.
    private static readonly SearchValues<string> s_ignoreVerbs = SearchValues.Create(["ignore", "disregard", "forget"], StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An element whose inline style hides it: the specification <see cref="HiddenStyleMatcher"/> implements by hand
    /// (IgnoreCase, CultureInvariant; tests compare both on seeded random text).
    /// </summary>
    internal const string HiddenStylePattern =
        @"<([a-z][a-z0-9]*)\b[^>]*\bstyle\s*=\s*[""']?[^>]*\b(display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(px|pt|em)?\s*[;""']|opacity\s*:\s*0\s*[;""'])[^>]*>";

    internal const string IgnorePreviousPattern =
        @"\b(ignore|disregard|forget)\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier|preceding)\s+(instructions|prompts?|messages|rules)\b";

    // Source-generated, as ToolPoisoningRules' patterns (nothing built at start-up): its loops are whitespace before a
    // letter and its optional words are literals, so backtracking costs at most the whitespace run after a start.
    // Only its match start is read, which both engines agree on (GeneratedRegexEngineTests).
    [GeneratedRegex(IgnorePreviousPattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    internal static partial Regex IgnorePreviousRegex();

    /// <summary>False when <see cref="Find"/> would find nothing in <paramref name="text"/> (a few vectorised scans, no rule run).</summary>
    public static bool MayHide(ReadOnlySpan<char> text) =>
        text.IndexOfAny(s_markup) >= 0 || text.IndexOfAny(s_ignoreVerbs) >= 0;

    /// <summary>Adds what is hidden in <paramref name="text"/> to <paramref name="into"/>.</summary>
    public static void Find(string text, List<HiddenMatch> into)
    {
        if (!MayHide(text))
        {
            return;
        }

        var start = into.Count;
        FindComments(text, into, start);
        FindStyledElements(text, into, start);
        FindTagCharacters(text, into, start);
        FindZeroWidth(text, into, start);
        if (into.Count - start < MaxMatchesPerText && text.AsSpan().IndexOfAny(s_ignoreVerbs) >= 0 && IgnorePreviousRegex().Match(text) is { Success: true } ignore)
        {
            into.Add(new HiddenMatch(IgnorePrevious, Collapse(Sentence(text, ignore.Index))));
        }
    }

    private static void FindComments(string text, List<HiddenMatch> into, int start)
    {
        var at = 0;
        while (into.Count - start < MaxMatchesPerText && (at = text.IndexOf("<!--", at, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf("-->", at + 4, StringComparison.Ordinal);
            var inner = end < 0 ? text.AsSpan(at + 4) : text.AsSpan(at + 4, end - at - 4);
            if (CountLetters(inner) >= MinCommentLetters && !inner.TrimStart().StartsWith("[if", StringComparison.OrdinalIgnoreCase))
            {
                into.Add(new HiddenMatch(HtmlComment, Collapse(inner)));
            }

            if (end < 0)
            {
                break;
            }

            at = end + 3;
        }
    }

    private static void FindStyledElements(string text, List<HiddenMatch> into, int start)
    {
        if (!text.Contains("style", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var at = 0;
        while (into.Count - start < MaxMatchesPerText && HiddenStyleMatcher.TryFindNext(text, ref at, out var match))
        {
            var rule = match.Declaration.Replace(" ", "", StringComparison.Ordinal).TrimEnd(';', '"', '\'').ToLowerInvariant();
            var innerStart = match.Index + match.Length;
            var close = text.IndexOf("</" + match.Tag, innerStart, StringComparison.OrdinalIgnoreCase);
            var length = Math.Min((close < 0 ? text.Length : close) - innerStart, MaxHiddenElementChars);
            var inner = StripTags(text.AsSpan(innerStart, length));
            if (CountLetters(inner) > 0)
            {
                into.Add(new HiddenMatch($"{CssHidden} ({rule})", Collapse(inner)));
            }
        }
    }

    /// <summary>Decodes runs of U+E0020–U+E007E (surrogates DB40 DC20–DC7E) to the ASCII they mirror.</summary>
    private static void FindTagCharacters(string text, List<HiddenMatch> into, int start)
    {
        var span = text.AsSpan();
        var at = span.IndexOf('\uDB40');
        if (at < 0)
        {
            return;
        }

        var decoded = new StringBuilder();
        for (var i = at; i + 1 < span.Length; i++)
        {
            if (span[i] == '\uDB40' && span[i + 1] is >= '\uDC00' and <= '\uDC7F')
            {
                var ascii = span[i + 1] - 0xDC00;
                if (ascii is >= 0x20 and <= 0x7E)
                {
                    decoded.Append((char)ascii);
                }

                i++;
            }
            else if (decoded.Length > 0 && span[i] != '\uDB40')
            {
                Flush(decoded, into, start);
            }
        }

        Flush(decoded, into, start);

        static void Flush(StringBuilder decoded, List<HiddenMatch> into, int start)
        {
            if (decoded.Length > 0 && into.Count - start < MaxMatchesPerText)
            {
                into.Add(new HiddenMatch(TagCharacters, Collapse(decoded.ToString())));
            }

            decoded.Clear();
        }
    }

    private static void FindZeroWidth(string text, List<HiddenMatch> into, int start)
    {
        var count = 0;
        var span = text.AsSpan();
        for (var at = span.IndexOfAny(s_zeroWidth); at >= 0 && count < MinZeroWidthRun; at = span.IndexOfAny(s_zeroWidth))
        {
            count++;
            span = span[(at + 1)..];
        }

        if (count >= MinZeroWidthRun && into.Count - start < MaxMatchesPerText)
        {
            // Zero-width steganography encodes bits, not text: report the visible text around it instead of a decoding.
            into.Add(new HiddenMatch(ZeroWidth, Collapse(RemoveZeroWidth(text))));
        }
    }

    private static string RemoveZeroWidth(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!s_zeroWidth.Contains(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static ReadOnlySpan<char> Sentence(string text, int index)
    {
        var end = text.IndexOfAny(['.', '\n', '<'], index);
        return text.AsSpan(index, (end < 0 ? text.Length : end) - index);
    }

    private static string StripTags(ReadOnlySpan<char> html)
    {
        var builder = new StringBuilder(html.Length);
        var inTag = false;
        foreach (var c in html)
        {
            if (c == '<')
            {
                inTag = true;
                builder.Append(' ');
            }
            else if (c == '>')
            {
                inTag = false;
            }
            else if (!inTag)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int CountLetters(ReadOnlySpan<char> text)
    {
        var letters = 0;
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return letters;
    }

    /// <summary>Trims and folds whitespace runs to one space, so excerpts read as one line.</summary>
    internal static string Collapse(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space && builder.Length > 0)
            {
                builder.Append(' ');
            }

            space = false;
            builder.Append(c);
        }

        return builder.ToString();
    }
}
