namespace Sensor.Detectors.Rules;

/// <summary>
/// A conservative reading of a rule pattern: true only when it has none of the constructs RegexOptions.NonBacktracking
/// refuses (lookarounds, atomic groups, conditionals, backreferences, balancing groups, <c>\G</c>) and nothing this
/// reader cannot follow (inline <c>x</c> mode, nested classes). Such a pattern is only parsed at load (an interpreter
/// Regex, ~0.3 ms) and its NonBacktracking Regex (5-80 ms each, ~0.4 s for the shipped pack) is built on its rule's
/// first window; any other pattern is built at load so a refused construct is still an error naming the rule.
/// </summary>
internal static class PatternCheck
{
    public static bool SafeToBuildLazily(string pattern)
    {
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (++i >= pattern.Length)
                {
                    return false;
                }

                // \1-\9 and \k<name> are backreferences, \G a start anchor (inside a class \1 is an octal escape).
                if (!inClass && pattern[i] is (>= '1' and <= '9') or 'k' or 'G')
                {
                    return false;
                }

                continue;
            }

            if (inClass)
            {
                if (c == '[')
                {
                    return false;
                }

                inClass = c != ']';
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    i++;
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    i++;
                }

                continue;
            }

            if (c == '(' && i + 1 < pattern.Length && pattern[i + 1] == '?' && !IsPlainGroup(pattern, i + 2))
            {
                return false;
            }
        }

        return !inClass;
    }

    /// <summary>After <c>(?</c>: a non-capturing group, a named group, or inline options among i, m, n, s.</summary>
    private static bool IsPlainGroup(string pattern, int j)
    {
        if (j >= pattern.Length)
        {
            return false;
        }

        var d = pattern[j];
        if (d == ':')
        {
            return true;
        }

        if (d is '<' or '\'')
        {
            var close = d == '<' ? '>' : '\'';
            var k = j + 1;
            while (k < pattern.Length && (char.IsAsciiLetterOrDigit(pattern[k]) || pattern[k] == '_'))
            {
                k++;
            }

            // (?<=, (?<! and (?<a-b> stop here: lookbehinds and balancing groups.
            return k > j + 1 && k < pattern.Length && pattern[k] == close;
        }

        var e = j;
        while (e < pattern.Length && pattern[e] is 'i' or 'm' or 'n' or 's' or '-')
        {
            e++;
        }

        return e > j && e < pattern.Length && pattern[e] is ')' or ':';
    }
}
