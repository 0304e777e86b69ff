using System.Globalization;

namespace Sensor.Detectors.Rules;

/// <summary>
/// Reads the regex subset <see cref="LinearPattern"/> runs: literals, escapes, classes, <c>.</c>, <c>\s \d \w</c> and
/// their negations, greedy <c>? * + {n} {n,} {n,m}</c> on a character, groups <c>(…)</c>, <c>(?:…)</c>,
/// <c>(?i:…)</c> with alternation, a bounded greedy count on a group, any greedy count on a group of fixed strings that
/// start differently (<see cref="LoopElement"/>), a leading <c>(?i)</c> and a final <c>$</c>.
/// Anything else (lazy quantifiers, anchors, lookarounds, class subtraction, * or + on other groups) returns null: that
/// rule keeps its NonBacktracking regex. Sets are over Latin-1 (0-255): the engine widens bytes one for one.
/// </summary>
internal sealed class LinearPatternParser
{
    /// <summary>Copies of a group a <c>{n}</c> or <c>{n,m}</c> may expand to (the shipped pack's largest is the email's 8 labels).</summary>
    private const int MaxGroupRepeat = 8;

    /// <summary>Group nesting followed (the email's 8 optional labels nest 9 deep); deeper patterns keep their regex, and the matcher's recursion stays shallow.</summary>
    private const int MaxDepth = 24;

    /// <summary>Elements after expanding counted groups (the email expands to ~60); nested counts multiply, so this bounds the pattern's size.</summary>
    private const int MaxElements = 2048;

    private readonly string _source;
    private int _at;
    private int _depth;
    private int _elements;

    private LinearPatternParser(string source) => _source = source;

    /// <summary>One piece of a sequence: a character set with bounds, an alternation, or the end anchor.</summary>
    internal abstract record Element;

    internal sealed record SetElement(bool[] Set, int Min, int Max) : Element;

    internal sealed record AltElement(List<List<Element>> Alternatives) : Element;

    internal sealed record EndAnchorElement : Element;

    /// <summary>
    /// A greedy count on a group whose alternatives are fixed strings of single characters (each set taken once) with
    /// pairwise disjoint first characters, e.g. the PEM body's <c>(?:[A-Za-z0-9+/=\s:,.]|-[A-Za-z]){64,}</c>: at any
    /// position at most one alternative can match, and in one way only, so the iterations are a single chain and
    /// backtracking can only give whole iterations back, last first (Regex's order).
    /// </summary>
    internal sealed record LoopElement(bool[][][] Alternatives, int Min, int Max) : Element;

    public static List<Element>? Parse(string source)
    {
        var parser = new LinearPatternParser(source);
        var ignoreCase = false;
        if (source.StartsWith("(?i)", StringComparison.Ordinal))
        {
            ignoreCase = true;
            parser._at = 4;
        }

        var alternatives = parser.ParseAlternation(ignoreCase);
        if (alternatives is null || parser._at != source.Length)
        {
            return null;
        }

        if (alternatives.Count == 1)
        {
            return alternatives[0];
        }

        return [new AltElement(alternatives)];
    }

    private List<List<Element>>? ParseAlternation(bool ignoreCase)
    {
        var alternatives = new List<List<Element>>();
        while (true)
        {
            var sequence = ParseSequence(ignoreCase);
            if (sequence is null)
            {
                return null;
            }

            alternatives.Add(sequence);
            if (_at < _source.Length && _source[_at] == '|')
            {
                _at++;
                continue;
            }

            return alternatives;
        }
    }

    private List<Element>? ParseSequence(bool ignoreCase)
    {
        var sequence = new List<Element>();
        while (_at < _source.Length && _source[_at] is not ('|' or ')'))
        {
            var c = _source[_at];
            if (c == '$')
            {
                // Only as the very last character of the whole pattern (end, or before a final newline).
                _at++;
                if (_at != _source.Length)
                {
                    return null;
                }

                sequence.Add(new EndAnchorElement());
                return sequence;
            }

            if (c == '(')
            {
                if (!ParseGroup(ignoreCase, sequence))
                {
                    return null;
                }

                continue;
            }

            var set = ParseAtom(ignoreCase);
            if (set is null || !TryQuantifier(out var min, out var max))
            {
                return null;
            }

            sequence.Add(new SetElement(set, min, max));
        }

        return sequence;
    }

    /// <summary>A group and its quantifier (none, <c>?</c>, <c>{0,1}</c> or <c>{n}</c>), appended to <paramref name="sequence"/>.</summary>
    private bool ParseGroup(bool ignoreCase, List<Element> sequence)
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }

        try
        {
            return ParseGroupBody(ignoreCase, sequence);
        }
        finally
        {
            _depth--;
        }
    }

    private bool ParseGroupBody(bool ignoreCase, List<Element> sequence)
    {
        _at++;
        var inner = ignoreCase;
        if (Follows("?:"))
        {
            _at += 2;
        }
        else if (Follows("?i:"))
        {
            _at += 3;
            inner = true;
        }
        else if (_at < _source.Length && _source[_at] == '?')
        {
            return false;
        }

        var alternatives = ParseAlternation(inner);
        if (alternatives is null || _at >= _source.Length || _source[_at] != ')')
        {
            return false;
        }

        _at++;
        if (!TryQuantifier(out var min, out var max))
        {
            return false;
        }

        if (min == 0 && max == 1)
        {
            // Greedy optional: the group first, then nothing.
            sequence.Add(new AltElement([.. alternatives, []]));
            return true;
        }

        if (max > MaxGroupRepeat)
        {
            // An unbounded or long count: only a group whose iterations cannot be matched two ways (see LoopElement).
            if (LoopAlternatives(alternatives) is not { } loop)
            {
                return false;
            }

            sequence.Add(new LoopElement(loop, min, max));
            return true;
        }

        // {n,m} on a group: n copies, then m - n nested greedy optionals (Regex's order: one more iteration first).
        // A group that can match empty would meet Regex's empty-iteration rule, so only non-empty groups loop.
        if (min != max && alternatives.Any(a => MinLength(a) == 0))
        {
            return false;
        }

        var group = alternatives.Count == 1 ? alternatives[0] : [new AltElement(alternatives)];
        _elements += Size(group) * max;
        if (_elements > MaxElements)
        {
            return false;
        }

        for (var i = 0; i < min; i++)
        {
            sequence.AddRange(group);
        }

        List<Element> optional = [];
        for (var i = min; i < max; i++)
        {
            optional = [new AltElement([[.. group, .. optional], []])];
        }

        sequence.AddRange(optional);
        return true;
    }

    /// <summary>The group's alternatives as character-set strings when they qualify for a <see cref="LoopElement"/>, else null.</summary>
    private static bool[][][]? LoopAlternatives(List<List<Element>> alternatives)
    {
        var strings = new bool[alternatives.Count][][];
        for (var a = 0; a < alternatives.Count; a++)
        {
            if (alternatives[a].Count == 0 || alternatives[a].Any(e => e is not SetElement { Min: 1, Max: 1 }))
            {
                return null;
            }

            strings[a] = [.. alternatives[a].Select(e => ((SetElement)e).Set)];
            for (var b = 0; b < a; b++)
            {
                for (var c = 0; c < 256; c++)
                {
                    if (strings[a][0][c] && strings[b][0][c])
                    {
                        return null;
                    }
                }
            }
        }

        return strings;
    }

    private static int Size(List<Element> sequence) => sequence.Sum(e => e is AltElement a ? 1 + a.Alternatives.Sum(Size) : 1);

    private static int MinLength(List<Element> sequence) => sequence.Sum(e => e switch
    {
        SetElement s => s.Min,
        AltElement a => a.Alternatives.Min(MinLength),
        _ => 0,
    });

    private bool[]? ParseAtom(bool ignoreCase)
    {
        var c = _source[_at];
        bool[]? set;
        switch (c)
        {
            case '[':
                _at++;
                return ParseClass(ignoreCase);
            case '.':
                _at++;
                set = Complement(Single('\n'));
                break;
            case '\\':
                _at++;
                set = ParseEscape(inClass: false);
                break;
            case '^' or '*' or '+' or '?' or '{' or '}' or ']':
                return null;
            default:
                _at++;
                set = c < 256 ? Single(c) : null;
                break;
        }

        return set is not null && ignoreCase ? CaseClosure(set) : set;
    }

    /// <summary>A class body after '['; under IgnoreCase its members take their other case before a '^' negates them, as Regex does.</summary>
    private bool[]? ParseClass(bool ignoreCase)
    {
        var negate = false;
        if (_at < _source.Length && _source[_at] == '^')
        {
            negate = true;
            _at++;
        }

        var set = new bool[256];
        var first = true;
        while (_at < _source.Length)
        {
            var c = _source[_at];
            if (c == ']' && !first)
            {
                _at++;
                var closed = ignoreCase ? CaseClosure(set) : set;
                return negate ? Complement(closed) : closed;
            }

            first = false;
            if (c == '[')
            {
                return null;
            }

            int low;
            if (c == '\\')
            {
                _at++;
                var escaped = ParseEscape(inClass: true);
                if (escaped is null)
                {
                    return null;
                }

                if (!IsSingle(escaped, out low))
                {
                    // \s, \d, \w inside a class: no range may follow.
                    if (_at + 1 < _source.Length && _source[_at] == '-' && _source[_at + 1] != ']')
                    {
                        return null;
                    }

                    Union(set, escaped);
                    continue;
                }
            }
            else
            {
                _at++;
                low = c;
            }

            if (_at + 1 < _source.Length && _source[_at] == '-' && _source[_at + 1] != ']')
            {
                _at++;
                var h = _source[_at];
                int high;
                if (h == '\\')
                {
                    _at++;
                    var escaped = ParseEscape(inClass: true);
                    if (escaped is null || !IsSingle(escaped, out high))
                    {
                        return null;
                    }
                }
                else if (h == '[')
                {
                    return null; // class subtraction
                }
                else
                {
                    _at++;
                    high = h;
                }

                if (high < low || low > 255)
                {
                    return null;
                }

                for (var x = low; x <= Math.Min(high, 255); x++)
                {
                    set[x] = true;
                }
            }
            else if (low < 256)
            {
                set[low] = true;
            }
        }

        return null;
    }

    private bool[]? ParseEscape(bool inClass)
    {
        if (_at >= _source.Length)
        {
            return null;
        }

        var c = _source[_at++];
        switch (c)
        {
            case 's': return Build(IsRegexSpace);
            case 'S': return Complement(Build(IsRegexSpace));
            case 'd': return Build(char.IsAsciiDigit);
            case 'D': return Complement(Build(char.IsAsciiDigit));
            case 'w': return Build(IsRegexWord);
            case 'W': return Complement(Build(IsRegexWord));
            case 't': return Single('\t');
            case 'n': return Single('\n');
            case 'r': return Single('\r');
            case 'f': return Single('\f');
            case 'v': return Single('\v');
            case 'x' when _at + 2 <= _source.Length && int.TryParse(_source.AsSpan(_at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex):
                _at += 2;
                return Single((char)hex);
            case 'u' when _at + 4 <= _source.Length && int.TryParse(_source.AsSpan(_at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                _at += 4;
                return code < 256 ? Single((char)code) : new bool[256];
            case 'b' when inClass: return Single('\b');
        }

        // Any other escaped letter or digit is an anchor, a back-reference or a category: not in the subset.
        return char.IsAsciiLetterOrDigit(c) || c == '_' ? null : c < 256 ? Single(c) : new bool[256];
    }

    private bool TryQuantifier(out int min, out int max)
    {
        (min, max) = (1, 1);
        if (_at >= _source.Length)
        {
            return true;
        }

        switch (_source[_at])
        {
            case '?': (min, max) = (0, 1); _at++; break;
            case '*': (min, max) = (0, int.MaxValue); _at++; break;
            case '+': (min, max) = (1, int.MaxValue); _at++; break;
            case '{':
                var close = _source.IndexOf('}', _at);
                if (close < 0 || !TryBounds(_source.AsSpan(_at + 1, close - _at - 1), out min, out max))
                {
                    return false;
                }

                _at = close + 1;
                break;
            default:
                return true;
        }

        // A lazy quantifier changes which match is found.
        return _at >= _source.Length || _source[_at] != '?';
    }

    private static bool TryBounds(ReadOnlySpan<char> body, out int min, out int max)
    {
        max = 0;
        var comma = body.IndexOf(',');
        if (!int.TryParse(comma < 0 ? body : body[..comma], NumberStyles.None, CultureInfo.InvariantCulture, out min))
        {
            return false;
        }

        if (comma < 0)
        {
            max = min;
            return true;
        }

        if (comma == body.Length - 1)
        {
            max = int.MaxValue;
            return true;
        }

        return int.TryParse(body[(comma + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out max) && max >= min;
    }

    private bool Follows(string text) => _source.AsSpan(_at).StartsWith(text, StringComparison.Ordinal);

    /// <summary>Regex <c>\s</c> over Latin-1: \t-\r, space, U+0085 and U+00A0 (char.IsWhiteSpace agrees there).</summary>
    private static bool IsRegexSpace(char c) => char.IsWhiteSpace(c);

    /// <summary>Regex <c>\w</c> over Latin-1: letters, decimal digits and '_' (the only connector punctuation below 256).</summary>
    private static bool IsRegexWord(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool[] Build(Func<char, bool> predicate)
    {
        var set = new bool[256];
        for (var c = 0; c < 256; c++)
        {
            set[c] = predicate((char)c);
        }

        return set;
    }

    private static bool[] Single(char c)
    {
        var set = new bool[256];
        set[c] = true;
        return set;
    }

    private static bool IsSingle(bool[] set, out int value)
    {
        value = Array.IndexOf(set, true);
        return value >= 0 && Array.IndexOf(set, true, value + 1) < 0;
    }

    private static bool[] Complement(bool[] set)
    {
        var result = new bool[256];
        for (var c = 0; c < 256; c++)
        {
            result[c] = !set[c];
        }

        return result;
    }

    private static void Union(bool[] into, bool[] add)
    {
        for (var c = 0; c < 256; c++)
        {
            into[c] |= add[c];
        }
    }

    /// <summary>Case-insensitive under the invariant culture, kept to Latin-1: each letter with its other case when that is below 256.</summary>
    private static bool[] CaseClosure(bool[] set)
    {
        var result = (bool[])set.Clone();
        for (var c = 0; c < 256; c++)
        {
            if (!set[c])
            {
                continue;
            }

            var upper = char.ToUpperInvariant((char)c);
            var lower = char.ToLowerInvariant((char)c);
            if (upper < 256)
            {
                result[upper] = true;
            }

            if (lower < 256)
            {
                result[lower] = true;
            }
        }

        return result;
    }
}
