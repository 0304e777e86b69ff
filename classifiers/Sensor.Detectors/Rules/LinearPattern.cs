using System.Buffers;
using static Sensor.Detectors.Rules.LinearPatternParser;

namespace Sensor.Detectors.Rules;

/// <summary>
/// A rule regex matched directly, without the Regex machinery, by backtracking in Regex's order (alternatives left to
/// right, greedy counts from the most down) over a pattern without back-references or lookarounds. Most sets never
/// give a character back: when the sets that can come next are disjoint from a set (or what follows may be empty),
/// its greedy count is the one backtracking settles on, so only the others (the email's label, <c>[a-z-]{0,61}[a-z]</c>)
/// retry counts. The leftmost match and its length are the ones Regex finds (EngineEquivalence and LinearPatternTests
/// compare both). Most shipped rules are a literal prefix and a counted set: this skips the NonBacktracking regex's per-window
/// set-up (two DFA passes per match) and its construction. Work per input is bounded (<see cref="StepsPerChar"/>); past
/// that the caller runs the rule's NonBacktracking regex, so matching stays linear in the window. Input is Latin-1.
/// </summary>
internal sealed class LinearPattern
{
    /// <summary>
    /// Steps (characters read, alternatives tried) allowed per input character plus <see cref="BaseSteps"/>: a pattern
    /// that starts within a run it also scans (<c>eyJ…eyJ…</c>) can re-read the run from each start; a real window
    /// needs ~2 per character, so 8 leaves room and still bounds a hostile one, which then goes to the regex.
    /// </summary>
    public const int StepsPerChar = 8;

    public const int BaseSteps = 1024;

    private readonly Node _start;
    private readonly SearchValues<char> _first;

    /// <summary>
    /// The pattern starts with a set taken at least once that never gives a character back, and what follows it cannot
    /// start with one of its characters (the email's local part before '@', a literal prefix): every start inside a run
    /// of the set either stops inside the run (where what follows fails) or at its end, where what follows is the same
    /// attempt for each of them. So one attempt answers for the whole run.
    /// </summary>
    private readonly bool _oneAttemptPerRun;

    private LinearPattern(Node start, SearchValues<char> first, bool oneAttemptPerRun)
    {
        _start = start;
        _first = first;
        _oneAttemptPerRun = oneAttemptPerRun;
    }

    public enum Status
    {
        Found,
        None,

        /// <summary>The step budget ran out: the caller must take the regex's answer for this input.</summary>
        OverBudget,
    }

    private enum Kind
    {
        Set,
        Alternation,
        EndAnchor,
        Accept,

        /// <summary>A greedy count on a group of fixed strings with distinct first characters (<see cref="LinearPatternParser.LoopElement"/>).</summary>
        Loop,
    }

    public static int Budget(int inputLength) => BaseSteps + (StepsPerChar * inputLength);

    /// <summary>The direct matcher for <paramref name="source"/>, or null when the pattern is outside the subset or greedy matching could differ from Regex.</summary>
    public static LinearPattern? TryCreate(string? source)
    {
        if (source is null || LinearPatternParser.Parse(source) is not { } elements)
        {
            return null;
        }

        var accept = new Node { Kind = Kind.Accept };
        var start = Link(elements, accept);
        var nodes = new List<Node>();
        Collect(start, nodes);
        foreach (var node in nodes)
        {
            if (node.Kind is Kind.Set or Kind.Loop && node.Min < node.Max)
            {
                var next = new bool[256];
                node.Backtrack = !First(node.Next!, next) && Overlaps(node.Bits!, next);
            }
        }

        var first = new bool[256];
        if (MayBeEmpty(start) || First(start, first))
        {
            return null;
        }

        var followers = new bool[256];
        var oneAttemptPerRun = start.Kind == Kind.Set && start.Min >= 1 && !First(start.Next!, followers) && !Overlaps(start.Bits!, followers);
        return new LinearPattern(start, SearchValues.Create([.. Members(first)]), oneAttemptPerRun);
    }

    /// <summary>The leftmost match at or after <paramref name="from"/>, as Regex.EnumerateMatches would give it next.</summary>
    public Status Next(ReadOnlySpan<char> input, int from, ref int budget, out int index, out int length)
    {
        (index, length) = (0, 0);
        var at = from;
        var (runStart, runEnd) = (-1, -1);
        while (at < input.Length)
        {
            var skip = input[at..].IndexOfAny(_first);
            if (skip < 0)
            {
                return Status.None;
            }

            at += skip;
            budget -= 1 + (skip >> 4);
            int end;
            if (_oneAttemptPerRun)
            {
                runEnd = at + RunLength(_start, input[at..]);
                budget -= 1 + ((runEnd - at) >> 4);

                // Starts more than Max before the run's end stop inside it; the first one that reaches the end is the
                // leftmost that can match, and the starts after it make the same attempt (or take fewer than Min).
                at = Math.Max(at, (int)Math.Max(0, runEnd - (long)_start.Max));
                if (runEnd - at >= _start.Min)
                {
                    end = MatchAt(_start.Next!, input, runEnd, ref budget);
                    if (end >= 0)
                    {
                        (index, length) = (at, end - at);
                        return Status.Found;
                    }

                    if (end == OverBudgetEnd || budget < 0)
                    {
                        return Status.OverBudget;
                    }
                }

                at = runEnd;
                continue;
            }

            if (_start.Kind == Kind.Set)
            {
                // Starts inside one run of the first set share its end: read each run once, not once per start.
                if (at < runStart || at >= runEnd)
                {
                    var run = input[at..].IndexOfAnyExcept(_start.Values!);
                    (runStart, runEnd) = (at, run < 0 ? input.Length : at + run);
                    budget -= 1 + (runEnd - at);
                }

                end = AfterSet(_start, input, at, Math.Min(_start.Max, runEnd - at), ref budget);
            }
            else
            {
                end = MatchAt(_start, input, at, ref budget);
            }

            if (end >= 0)
            {
                (index, length) = (at, end - at);
                return Status.Found;
            }

            if (end == OverBudgetEnd || budget < 0)
            {
                return Status.OverBudget;
            }

            at++;
        }

        return Status.None;
    }

    /// <summary>Counts up to this are taken a character at a time (<see cref="CountIn"/>): below it a SearchValues call costs more than the loop.</summary>
    private const int ShortCount = 8;

    private const int NoMatchEnd = -1;
    private const int OverBudgetEnd = -2;

    private static int MatchAt(Node node, ReadOnlySpan<char> input, int at, ref int budget)
    {
        while (true)
        {
            switch (node.Kind)
            {
                case Kind.Accept:
                    return at;
                case Kind.EndAnchor:
                    return at == input.Length || (at == input.Length - 1 && input[at] == '\n') ? at : NoMatchEnd;
                case Kind.Set when node.Max == 1 && node.Min == 1:
                    // One literal character (most nodes: a prefix such as sk-ant-api03- is 13 of them): the general
                    // case below inline, with the same budget (a count of 1 or 0; such a node never gives back).
                    if (at >= input.Length)
                    {
                        return NoMatchEnd;
                    }

                    var member = input[at] < 256 && node.Bits![input[at]];
                    budget -= member ? 2 : 1;
                    if (budget < 0)
                    {
                        return OverBudgetEnd;
                    }

                    if (!member)
                    {
                        return NoMatchEnd;
                    }

                    at++;
                    node = node.Next!;
                    break;
                case Kind.Set:
                    var limit = (int)Math.Min(node.Max, input.Length - at);
                    if (limit < node.Min)
                    {
                        return NoMatchEnd;
                    }

                    var count = CountIn(node, input.Slice(at, limit));

                    budget -= 1 + count;
                    if (budget < 0)
                    {
                        return OverBudgetEnd;
                    }

                    if (node.Backtrack)
                    {
                        return AfterSet(node, input, at, count, ref budget);
                    }

                    if (count < node.Min)
                    {
                        return NoMatchEnd;
                    }

                    at += count;
                    node = node.Next!;
                    break;
                case Kind.Loop:
                    return AfterLoop(node, input, at, ref budget);
                default:
                    foreach (var alternative in node.Alternatives!)
                    {
                        budget--;
                        var end = MatchAt(alternative, input, at, ref budget);
                        if (end != NoMatchEnd)
                        {
                            return end;
                        }
                    }

                    return NoMatchEnd;
            }
        }
    }

    /// <summary>The whole run of the node's set at the start of <paramref name="span"/>: one table look-up when it is a single character (a literal prefix), else a vector search.</summary>
    private static int RunLength(Node node, ReadOnlySpan<char> span)
    {
        if (span.Length < 2 || span[1] >= 256 || !node.Bits![span[1]])
        {
            return span.IsEmpty ? 0 : 1; // the caller found span[0] in the set
        }

        var run = span.IndexOfAnyExcept(node.Values!);
        return run < 0 ? span.Length : run;
    }

    /// <summary>
    /// How many leading characters of <paramref name="span"/> are in the node's set. Literal characters and short
    /// counts (most nodes: a prefix such as <c>sk-ant-api03-</c> is 13 one-character sets) are read from its table;
    /// the vector search only pays off past a few characters.
    /// </summary>
    private static int CountIn(Node node, ReadOnlySpan<char> span)
    {
        if (span.Length <= ShortCount)
        {
            var bits = node.Bits!;
            var i = 0;
            while (i < span.Length && span[i] < 256 && bits[span[i]])
            {
                i++;
            }

            return i;
        }

        var count = span.IndexOfAnyExcept(node.Values!);
        return count < 0 ? span.Length : count;
    }

    /// <summary>
    /// The rest of a match after <paramref name="node"/>'s set took <paramref name="count"/> characters (the most it
    /// can): a safe set keeps them all; one whose followers overlap it gives them back one at a time, as backtracking does.
    /// </summary>
    private static int AfterSet(Node node, ReadOnlySpan<char> input, int at, int count, ref int budget)
    {
        if (count < node.Min)
        {
            return NoMatchEnd;
        }

        if (!node.Backtrack)
        {
            return MatchAt(node.Next!, input, at + count, ref budget);
        }

        for (var taken = count; taken >= node.Min; taken--)
        {
            var end = MatchAt(node.Next!, input, at + taken, ref budget);
            if (end != NoMatchEnd)
            {
                return end;
            }

            if (--budget < 0)
            {
                return OverBudgetEnd;
            }
        }

        return NoMatchEnd;
    }

    /// <summary>
    /// A loop node at <paramref name="at"/>: takes iterations while one of its strings matches (at most one can: their
    /// first characters differ), up to Max, then the rest of the pattern; when that may start with a loop character it
    /// gives whole iterations back, last first, down to Min, as backtracking does. The iteration ends are kept for that
    /// in a pooled array (the loop runs over a window, so at most its length).
    /// </summary>
    private static int AfterLoop(Node node, ReadOnlySpan<char> input, int at, ref int budget)
    {
        int[]? ends = null;
        try
        {
            var count = 0;
            var position = at;
            while (count < node.Max && position < input.Length)
            {
                var length = IterationLength(node.Strings!, input, position);
                if (length == 0)
                {
                    break;
                }

                if (node.Backtrack)
                {
                    if (ends is null || count == ends.Length)
                    {
                        var larger = ArrayPool<int>.Shared.Rent(Math.Max(64, count * 2));
                        ends?.AsSpan(0, count).CopyTo(larger);
                        if (ends is not null)
                        {
                            ArrayPool<int>.Shared.Return(ends);
                        }

                        ends = larger;
                    }

                    ends[count] = position + length;
                }

                position += length;
                count++;
            }

            budget -= 1 + (position - at);
            if (budget < 0)
            {
                return OverBudgetEnd;
            }

            if (count < node.Min)
            {
                return NoMatchEnd;
            }

            if (!node.Backtrack)
            {
                return MatchAt(node.Next!, input, position, ref budget);
            }

            for (var taken = count; taken >= node.Min; taken--)
            {
                var end = MatchAt(node.Next!, input, taken == 0 ? at : ends![taken - 1], ref budget);
                if (end != NoMatchEnd)
                {
                    return end;
                }

                if (--budget < 0)
                {
                    return OverBudgetEnd;
                }
            }

            return NoMatchEnd;
        }
        finally
        {
            if (ends is not null)
            {
                ArrayPool<int>.Shared.Return(ends);
            }
        }
    }

    /// <summary>The length of the one string of <paramref name="strings"/> that matches at <paramref name="at"/>, or 0.</summary>
    private static int IterationLength(bool[][][] strings, ReadOnlySpan<char> input, int at)
    {
        foreach (var text in strings)
        {
            if (at + text.Length > input.Length)
            {
                continue;
            }

            var i = 0;
            while (i < text.Length && input[at + i] < 256 && text[i][input[at + i]])
            {
                i++;
            }

            if (i == text.Length)
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>Builds the nodes of <paramref name="elements"/> back to front, each pointing at what follows it (across group ends).</summary>
    private static Node Link(List<Element> elements, Node next)
    {
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            next = elements[i] switch
            {
                SetElement s => new Node { Kind = Kind.Set, Bits = s.Set, Values = SearchValues.Create([.. Members(s.Set)]), Min = s.Min, Max = s.Max, Next = next },
                AltElement a => new Node { Kind = Kind.Alternation, Alternatives = [.. a.Alternatives.Select(alt => Link(alt, next))], Next = next },
                LoopElement l => new Node { Kind = Kind.Loop, Strings = l.Alternatives, Bits = LoopFirst(l.Alternatives), Min = l.Min, Max = l.Max, Next = next },
                _ => new Node { Kind = Kind.EndAnchor, Next = next },
            };
        }

        return next;
    }

    private static bool[] LoopFirst(bool[][][] strings)
    {
        var first = new bool[256];
        foreach (var text in strings)
        {
            for (var c = 0; c < 256; c++)
            {
                first[c] |= text[0][c];
            }
        }

        return first;
    }

    private static void Collect(Node node, List<Node> nodes)
    {
        if (nodes.Contains(node))
        {
            return;
        }

        nodes.Add(node);
        if (node.Next is not null)
        {
            Collect(node.Next, nodes);
        }

        foreach (var alternative in node.Alternatives ?? [])
        {
            Collect(alternative, nodes);
        }
    }

    /// <summary>
    /// Adds to <paramref name="first"/> every character a match from <paramref name="node"/> can read first; true when
    /// it can also succeed reading nothing. The end anchor reads nothing but can fail, so it counts as '\n' (before a
    /// final newline it succeeds) and never as empty.
    /// </summary>
    private static bool First(Node node, bool[] first)
    {
        switch (node.Kind)
        {
            case Kind.Accept:
                return true;
            case Kind.EndAnchor:
                first['\n'] = true;
                return false;
            case Kind.Set or Kind.Loop:
                for (var c = 0; c < 256; c++)
                {
                    first[c] |= node.Bits![c];
                }

                return node.Min == 0 && First(node.Next!, first);
            default:
                var empty = false;
                foreach (var alternative in node.Alternatives!)
                {
                    empty |= First(alternative, first);
                }

                return empty;
        }
    }

    /// <summary>Whether a zero-length match is possible (Regex would then step one character on; not in the subset).</summary>
    private static bool MayBeEmpty(Node node) => node.Kind switch
    {
        Kind.Accept => true,
        Kind.EndAnchor => MayBeEmpty(node.Next!),
        Kind.Set or Kind.Loop => node.Min == 0 && MayBeEmpty(node.Next!),
        _ => node.Alternatives!.Any(MayBeEmpty),
    };

    private static bool Overlaps(bool[] a, bool[] b)
    {
        for (var c = 0; c < 256; c++)
        {
            if (a[c] && b[c])
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<char> Members(bool[] set)
    {
        for (var c = 0; c < 256; c++)
        {
            if (set[c])
            {
                yield return (char)c;
            }
        }
    }

    private sealed class Node
    {
        public Kind Kind;
        public bool[]? Bits;
        public SearchValues<char>? Values;
        public bool Backtrack;
        public int Min;
        public int Max;
        public Node? Next;
        public Node[]? Alternatives;

        /// <summary>A loop's strings: per string, the set of each of its characters.</summary>
        public bool[][][]? Strings;
    }
}
