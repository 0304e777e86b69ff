using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Sensor.Detectors.Rules;

namespace Sensor.Detectors.Engine;

/// <summary>
/// Runs a <see cref="RulePack"/> over one decoded item. Pipeline: JSON unescape (when the item is JSON and holds a
/// backslash) -> one byte-level pass for every keyword (<see cref="AnchorFilter"/>) -> per rule, merged windows around
/// the anchors -> the rule's direct matcher (<see cref="LinearPattern"/>; its NonBacktracking regex when the pattern is
/// outside that subset or a window runs over the matcher's step budget) over each window, widened to chars (Latin-1: byte offsets = char
/// offsets) only there -> checks -> a vector pass for one-character anchors ('@') and the digit runs that can hold a
/// card, SSN or IBAN -> the AWS key-pair scan -> overlap resolution -> distinct values with counts. Scratch buffers are
/// pooled: nothing is allocated when nothing matches. One instance per worker (not thread-safe); the pack is shared.
/// </summary>
public sealed partial class DetectorEngine
{
    /// <summary>Distinct candidates kept per item: a body with more (a dump of a million emails) is reported up to here and flagged.</summary>
    public const int MaxCandidatesPerItem = 256;

    /// <summary>How far from an AWS access key id a bare 40-character secret counts as its pair (a key id and secret pasted together sit within a line or two).</summary>
    public const int AwsPairDistance = 256;

    /// <summary>Digit groups examined at once by the card/SSN scanner; longer runs are taken in slices that overlap by a card's worth (a 19-digit card in 4-digit groups has 5).</summary>
    private const int MaxDigitGroups = 32;

    private const int MaxCardGroups = 5;

    /// <summary>Item length up to which the engine keeps its own character buffer (64 Ki chars = 128 KiB per worker); longer items rent from the pool.</summary>
    private const int MaxRetainedChars = 64 * 1024;

    /// <summary>Bytes whose masks the trigger pass takes at once (2 x 256-bit or 4 x 128-bit).</summary>
    private const int ChunkBytes = 64;

    /// <summary>
    /// How far the trigger pass steps: a run of 11 joined characters starting at bit 52 ends at bit 62, whose separator
    /// test reads bit 63, so every run starting in the first 53 positions is seen whole within the chunk.
    /// </summary>
    private const int ChunkStride = 53;

    /// <summary>A prefilter hit packs (group, start, keyword id) into a long so one sort gives the per-group order.</summary>
    private const int HitIdBits = 20;

    private const int HitGroupShift = 56;

    private const long HitStartMask = (1L << (HitGroupShift - HitIdBits)) - 1;

    private static readonly SearchValues<char> s_awsSecretChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+");

    private readonly RulePack _pack;
    private readonly int[] _windowStart;
    private readonly int[] _windowEnd;
    private readonly int[] _active;
    private readonly Candidate[] _candidates = new Candidate[MaxCandidatesPerItem];
    private int _activeCount;
    private int _candidateCount;
    private char[] _chars = [];
    private char[] _ownChars = new char[1024];
    private long[] _hits = [];
    private int _hitCount;
    private readonly List<(int Index, int Length)> _linearMatches = [];

    public DetectorEngine(RulePack pack)
    {
        _pack = pack;
        _windowStart = new int[pack.Rules.Count];
        _windowEnd = new int[pack.Rules.Count];
        _active = new int[pack.Rules.Count];
        Array.Fill(_windowEnd, -1);
    }

    public RulePack Pack => _pack;

    /// <summary>Characters given to regexes and scanners so far: the work bound the ReDoS tests check (linear in the input).</summary>
    public long CharactersExamined { get; private set; }

    /// <summary>Regex windows run so far (each bounded by its rule's max length plus merged anchors).</summary>
    public long WindowsRun { get; private set; }

    /// <summary>Windows or secret-pattern inputs where a direct matcher ran over its step budget and the regex answered instead.</summary>
    public long LinearOverBudget { get; private set; }

    /// <summary>True when the last scan stopped collecting at <see cref="MaxCandidatesPerItem"/>.</summary>
    public bool LastScanCapped { get; private set; }

    /// <summary>Scans <paramref name="data"/>; <paramref name="json"/> unescapes JSON strings first. Returns the number of distinct matches reported.</summary>
    public int Scan(ReadOnlySpan<byte> data, bool json, IMatchReceiver receiver)
    {
        if (data.IsEmpty)
        {
            return 0;
        }

        var escaped = json && data.Contains((byte)'\\');
        if (!escaped && CannotMatch(data))
        {
            _candidateCount = 0;
            LastScanCapped = false;
            return 0;
        }

        byte[]? unescaped = null;
        var text = data;
        if (escaped)
        {
            unescaped = ArrayPool<byte>.Shared.Rent(data.Length);
            text = unescaped.AsSpan(0, JsonUnescaper.Unescape(data, unescaped));
        }

        // Characters only where a regex, a check or a report reads them (windows, candidates): see Widen. Headers and
        // small bodies use the engine's own buffer (most items are a few hundred bytes: a pool round trip per item showed).
        var rented = text.Length > _ownChars.Length;
        if (rented && text.Length <= MaxRetainedChars)
        {
            _ownChars = new char[Math.Max(text.Length, Math.Min(MaxRetainedChars, _ownChars.Length * 2))];
            rented = false;
        }

        _chars = rented ? ArrayPool<char>.Shared.Rent(text.Length) : _ownChars;
        try
        {
            return ScanBytes(text, receiver);
        }
        finally
        {
            if (rented)
            {
                ArrayPool<char>.Shared.Return(_chars);
            }

            _chars = [];
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    /// <summary>
    /// True when the whole pipeline would find nothing in a short item (most header values and URLs): no keyword the
    /// prefilter could verify and no digit-run, IBAN or one-character-anchor event. With neither, no window opens and no
    /// scanner runs, so there is no candidate; this is the same two passes on one zero-padded block, without the scan's
    /// set-up (tests/Sensor.Tests/Detectors/ShortItemTests.cs checks it against the old engine). The caller has ruled out JSON escapes.
    /// </summary>
    internal bool CannotMatch(ReadOnlySpan<byte> text)
    {
        if (text.Length > AnchorFilter.MaxMayHitLength || !Avx2.IsSupported || _pack.TriggersAreSeparators)
        {
            return false;
        }

        Span<byte> padded = stackalloc byte[AnchorFilter.PaddedBytes]; // zeroed (no SkipLocalsInit): the pad is part of the test
        text.CopyTo(padded);
        if (_pack.Filter.MayHit(padded, text.Length))
        {
            return false;
        }

        // One 64-byte block holds every event TriggerPass finds in an item this short (its 53-position stride only
        // matters when a run continues into the next block, and past the item there are only zeros).
        var (digits, separators, upper, anchors) = Masks(padded[..ChunkBytes], _pack.TriggerBytes);
        return TriggerEvents(digits, separators, upper, anchors, 0, 0, 0, text.Length == ChunkBytes ? ulong.MaxValue : (1UL << text.Length) - 1) == 0;
    }

    private int ScanBytes(ReadOnlySpan<byte> text, IMatchReceiver receiver)
    {
        _candidateCount = 0;
        LastScanCapped = false;
        Prefilter(text);
        if (_pack.TriggersAreSeparators)
        {
            SequentialTriggerPass(text);
        }
        else
        {
            TriggerPass(text);
        }

        for (var i = 0; i < _activeCount; i++)
        {
            Flush(text, _active[i]);
        }

        _activeCount = 0;
        PairAwsSecrets(text);
        return Report(_chars.AsSpan(0, text.Length), receiver);
    }

    /// <summary>
    /// All keywords in one pass (<see cref="AnchorFilter"/>), then windows opened in the order the per-group searches
    /// opened them (group, then position, then keyword order): window merging and candidate order depend on it.
    /// </summary>
    private void Prefilter(ReadOnlySpan<byte> text)
    {
        _hitCount = 0;
        var sink = new HitSink(this);
        _pack.Filter.FindAll(text, ref sink);
        if (_hitCount == 0)
        {
            return;
        }

        var hits = _hits.AsSpan(0, _hitCount);
        hits.Sort();
        var anchors = _pack.Anchors;
        foreach (var hit in hits)
        {
            var at = (int)((hit >> HitIdBits) & HitStartMask);
            foreach (var rule in anchors[(int)(hit & ((1L << HitIdBits) - 1))].Anchor.Rules)
            {
                AddWindow(text, rule, at);
            }
        }
    }

    private void AddHit(int start, int id)
    {
        if (_hitCount == _hits.Length)
        {
            var larger = ArrayPool<long>.Shared.Rent(Math.Max(64, _hits.Length * 2));
            _hits.AsSpan().CopyTo(larger);
            if (_hits.Length > 0)
            {
                ArrayPool<long>.Shared.Return(_hits);
            }

            _hits = larger;
        }

        _hits[_hitCount++] = ((long)_pack.Anchors[id].Group << HitGroupShift) | ((long)start << HitIdBits) | (long)id;
    }

    /// <summary>Opens a window for <paramref name="ruleIndex"/> around an anchor at <paramref name="at"/>, or extends the rule's open window when they touch.</summary>
    private void AddWindow(ReadOnlySpan<byte> text, int ruleIndex, int at)
    {
        var rule = _pack.Rules[ruleIndex];
        var start = Math.Max(0, at - rule.Lookbehind);
        var end = (int)Math.Min(text.Length, (long)at + rule.MaxLength + 1);
        if (_windowEnd[ruleIndex] >= 0)
        {
            if (start <= _windowEnd[ruleIndex])
            {
                _windowEnd[ruleIndex] = Math.Max(_windowEnd[ruleIndex], end);
                return;
            }

            Flush(text, ruleIndex);
        }
        else
        {
            _active[_activeCount++] = ruleIndex;
        }

        _windowStart[ruleIndex] = start;
        _windowEnd[ruleIndex] = end;
    }

    /// <summary>Runs the rule's regex over its open window (windows of one rule never overlap, so each char is examined once per rule).</summary>
    private void Flush(ReadOnlySpan<byte> bytes, int ruleIndex)
    {
        var start = _windowStart[ruleIndex];
        var end = _windowEnd[ruleIndex];
        if (end < 0)
        {
            return;
        }

        _windowEnd[ruleIndex] = -1;
        var rule = _pack.Rules[ruleIndex];

        // The boundary check reads one character either side of a match.
        var text = Widen(bytes, Math.Max(0, start - 1), Math.Min(bytes.Length, end + 1));
        var window = text[start..end];
        CharactersExamined += window.Length;
        WindowsRun++;
        if (rule.Linear is { } linear && RunLinear(linear, window, out var found))
        {
            foreach (var (index, length) in found)
            {
                OnPatternMatch(rule, text, start, index, length);
            }

            return;
        }

        foreach (var match in rule.Pattern!.EnumerateMatches(window))
        {
            OnPatternMatch(rule, text, start, match.Index, match.Length);
        }
    }

    /// <summary>Every match of <paramref name="linear"/> in <paramref name="window"/> into a scratch list; false when it ran over its step budget (the regex then runs instead).</summary>
    private bool RunLinear(LinearPattern linear, ReadOnlySpan<char> window, out ReadOnlySpan<(int Index, int Length)> found)
    {
        _linearMatches.Clear();
        found = default;
        var budget = LinearPattern.Budget(window.Length);
        var from = 0;
        while (true)
        {
            switch (linear.Next(window, from, ref budget, out var index, out var length))
            {
                case LinearPattern.Status.Found:
                    _linearMatches.Add((index, length));
                    from = index + length;
                    continue;
                case LinearPattern.Status.None:
                    found = CollectionsMarshal.AsSpan(_linearMatches);
                    return true;
                default:
                    LinearOverBudget++;
                    return false;
            }
        }
    }

    /// <summary>A pattern match at window offset <paramref name="index"/>: narrowed by the rule's secret pattern (its last match), checked, kept as a candidate.</summary>
    private void OnPatternMatch(DetectorRule rule, ReadOnlySpan<char> text, int start, int index, int length)
    {
        var secretStart = start + index;
        var secretLength = length;
        if (rule.SecretPatternSource is not null && !LastSecretMatch(rule, text.Slice(secretStart, secretLength), ref secretStart, ref secretLength))
        {
            return;
        }

        if (secretLength > 0 && rule.Accept(text, secretStart, secretLength))
        {
            AddCandidate(rule.Index, secretStart, secretLength);
        }
    }

    /// <summary>The last match of the rule's secret pattern inside a pattern match (its offset moves <paramref name="secretStart"/>); false when there is none.</summary>
    private bool LastSecretMatch(DetectorRule rule, ReadOnlySpan<char> match, ref int secretStart, ref int secretLength)
    {
        var found = false;
        var (innerIndex, innerLength) = (0, 0);
        if (rule.SecretLinear is { } linear)
        {
            var budget = LinearPattern.Budget(match.Length);
            var from = 0;
            LinearPattern.Status status;
            while ((status = linear.Next(match, from, ref budget, out var index, out var length)) == LinearPattern.Status.Found)
            {
                (innerIndex, innerLength, found) = (index, length, true);
                from = index + length;
            }

            if (status == LinearPattern.Status.OverBudget)
            {
                LinearOverBudget++;
                found = false;
                foreach (var inner in rule.SecretPattern!.EnumerateMatches(match))
                {
                    (innerIndex, innerLength, found) = (inner.Index, inner.Length, true);
                }
            }
        }
        else
        {
            foreach (var inner in rule.SecretPattern!.EnumerateMatches(match))
            {
                (innerIndex, innerLength, found) = (inner.Index, inner.Length, true);
            }
        }

        if (found)
        {
            secretStart += innerIndex;
            secretLength = innerLength;
        }

        return found;
    }

    /// <summary>A candidate found on bytes: its characters are written for the report.</summary>
    private void AddScannerCandidate(ReadOnlySpan<byte> text, int rule, int start, int length)
    {
        Widen(text, start, start + length);
        AddCandidate(rule, start, length);
    }

    /// <summary>Writes the characters of bytes [start, end) into the scan's character buffer (Latin-1: one char per byte, same offsets) and returns the whole buffer.</summary>
    private ReadOnlySpan<char> Widen(ReadOnlySpan<byte> text, int start, int end)
    {
        Encoding.Latin1.GetChars(text[start..end], _chars.AsSpan(start, end - start));
        return _chars.AsSpan(0, text.Length);
    }

    private void AddCandidate(int rule, int start, int length)
    {
        if (_candidateCount == _candidates.Length)
        {
            LastScanCapped = true;
            return;
        }

        _candidates[_candidateCount++] = new Candidate(rule, start, length);
    }

    /// <summary>Drops candidates overlapped by a better one (higher priority, then longer), merges equal values, reports the rest.</summary>
    private int Report(ReadOnlySpan<char> text, IMatchReceiver receiver)
    {
        var candidates = _candidates.AsSpan(0, _candidateCount);
        var rules = _pack.Rules;
        for (var i = 0; i < candidates.Length; i++)
        {
            ref var a = ref candidates[i];
            for (var j = i + 1; j < candidates.Length && !a.Dropped; j++)
            {
                ref var b = ref candidates[j];
                if (b.Dropped || a.Start >= b.Start + b.Length || b.Start >= a.Start + a.Length)
                {
                    continue;
                }

                var pa = rules[a.Rule].Priority;
                var pb = rules[b.Rule].Priority;
                var aWins = pa != pb ? pa > pb : a.Length >= b.Length;
                if (aWins)
                {
                    b.Dropped = true;
                }
                else
                {
                    a.Dropped = true;
                }
            }
        }

        var reported = 0;
        for (var i = 0; i < candidates.Length; i++)
        {
            if (candidates[i].Dropped)
            {
                continue;
            }

            var value = text.Slice(candidates[i].Start, candidates[i].Length);
            var rule = rules[candidates[i].Rule];
            var count = 1;
            for (var j = i + 1; j < candidates.Length; j++)
            {
                if (!candidates[j].Dropped && rules[candidates[j].Rule].Type == rule.Type && text.Slice(candidates[j].Start, candidates[j].Length).SequenceEqual(value))
                {
                    candidates[j].Dropped = true;
                    count++;
                }
            }

            receiver.OnMatch(rule, value, count);
            reported++;
        }

        return reported;
    }

    private readonly struct HitSink(DetectorEngine engine) : IHitSink
    {
        public void Hit(int start, int id) => engine.AddHit(start, id);
    }

    private struct Candidate(int rule, int start, int length)
    {
        public int Rule = rule;
        public int Start = start;
        public int Length = length;
        public bool Dropped;
    }
}
