using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using Sensor.Detectors.Rules;
using Sensor.Detectors.Validators;

namespace Sensor.Detectors.Engine;

/// <summary>
/// Runs a <see cref="RulePack"/> over one decoded item. Pipeline: JSON unescape (when the item is JSON and holds a
/// backslash) -> one byte-level pass for every keyword (<see cref="AnchorFilter"/>) -> per rule, merged windows around
/// the anchors -> the rule's NonBacktracking regex over each window, widened to chars (Latin-1: byte offsets = char
/// offsets) only there -> checks -> a vector pass for one-character anchors ('@') and the digit runs that can hold a
/// card, SSN or IBAN -> the AWS key-pair scan -> overlap resolution -> distinct values with counts. Scratch buffers are
/// pooled: nothing is allocated when nothing matches. One instance per worker (not thread-safe); the pack is shared.
/// </summary>
public sealed class DetectorEngine
{
    /// <summary>Distinct candidates kept per item: a body with more (a dump of a million emails) is reported up to here and flagged.</summary>
    public const int MaxCandidatesPerItem = 256;

    /// <summary>How far from an AWS access key id a bare 40-character secret counts as its pair (a key id and secret pasted together sit within a line or two).</summary>
    public const int AwsPairDistance = 256;

    /// <summary>Digit groups examined at once by the card/SSN scanner; longer runs are taken in slices that overlap by a card's worth (a 19-digit card in 4-digit groups has 5).</summary>
    private const int MaxDigitGroups = 32;

    private const int MaxCardGroups = 5;

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
    private long[] _hits = [];
    private int _hitCount;

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

    /// <summary>True when the last scan stopped collecting at <see cref="MaxCandidatesPerItem"/>.</summary>
    public bool LastScanCapped { get; private set; }

    /// <summary>Scans <paramref name="data"/>; <paramref name="json"/> unescapes JSON strings first. Returns the number of distinct matches reported.</summary>
    public int Scan(ReadOnlySpan<byte> data, bool json, IMatchReceiver receiver)
    {
        if (data.IsEmpty)
        {
            return 0;
        }

        byte[]? unescaped = null;
        var text = data;
        if (json && data.Contains((byte)'\\'))
        {
            unescaped = ArrayPool<byte>.Shared.Rent(data.Length);
            text = unescaped.AsSpan(0, JsonUnescaper.Unescape(data, unescaped));
        }

        // Characters only where a regex, a check or a report reads them (windows, candidates): see Widen.
        _chars = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            return ScanBytes(text, receiver);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = [];
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
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

    /// <summary>
    /// Digits and one-character anchors, 53 positions per step: vector masks find the anchors ('@') and the only digits
    /// that can start a finding, those in a run of at least 11 digits or single spaces or dashes between digits (an SSN
    /// is 3-2-4 with two separators, a card 12 digits or more; a date such as 2026-03-31 is 10) or right after two
    /// capitals (an IBAN's country code). The old sequential scan is replayed only
    /// there, from the last character none of its steps can jump over (<see cref="IsResumePoint"/>), so it reports
    /// exactly what it reported when it looked at every digit of the body (JSON numbers, dates, versions).
    /// </summary>
    private void TriggerPass(ReadOnlySpan<byte> text)
    {
        var triggers = _pack.TriggerBytes;
        var exact = 0;
        Span<byte> tail = stackalloc byte[ChunkBytes];
        for (var c = 0; c < text.Length; c += ChunkStride)
        {
            scoped ReadOnlySpan<byte> chunk;
            if (c + ChunkBytes <= text.Length)
            {
                chunk = text.Slice(c, ChunkBytes);
            }
            else
            {
                tail.Clear();
                text[c..].CopyTo(tail);
                chunk = tail;
            }

            var (digits, separators, upper, anchors) = Masks(chunk, triggers);
            var prevDigit = c > 0 && IsDigit(text[c - 1]) ? 1UL : 0;
            var prevUpper = c > 0 && IsUpper(text[c - 1]) ? 1UL : 0;
            var prevUpper2 = c > 1 && IsUpper(text[c - 2]) ? 1UL : 0;
            var joined = digits | (separators & ((digits << 1) | prevDigit) & (digits >> 1));
            var run = joined & (joined >> 1);
            run &= run >> 2;
            run &= run >> 4;
            run &= run >> 3;
            var iban = digits & ((upper << 1) | prevUpper) & ((upper << 2) | (prevUpper << 1) | prevUpper2);
            var valid = (1UL << Math.Min(ChunkStride, text.Length - c)) - 1;
            var events = ((run & digits) | iban | anchors) & valid;
            while (events != 0)
            {
                var k = BitOperations.TrailingZeroCount(events);
                events &= events - 1;
                var at = c + k;
                if (((anchors >> k) & 1) != 0)
                {
                    foreach (var rule in _pack.RulesForTrigger((char)text[at])!)
                    {
                        AddWindow(text, rule, at);
                    }
                }
                else if (at >= exact)
                {
                    var from = at - 1;
                    while (from >= exact && !IsResumePoint(text[from]))
                    {
                        from--;
                    }

                    exact = ReplayDigits(text, Math.Max(exact, from + 1), at);
                }
            }
        }
    }

    /// <summary>The old sequential digit scan from <paramref name="position"/> (a point it resumed at) until it has passed <paramref name="through"/>; returns where it resumes.</summary>
    private int ReplayDigits(ReadOnlySpan<byte> text, int position, int through)
    {
        while (true)
        {
            var found = text[position..].IndexOfAnyInRange((byte)'0', (byte)'9');
            if (found < 0)
            {
                return text.Length;
            }

            var at = position + found;
            if (at > through)
            {
                return at;
            }

            position = ScanDigits(text, at);
            if (position > through)
            {
                return position;
            }
        }
    }

    /// <summary>
    /// A character that neither a digit run, an IBAN nor the skip over a glued number consumes: the sequential scan
    /// always stops at or before it, so it can be restarted just after it.
    /// </summary>
    private static bool IsResumePoint(byte b) => !(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'.' or (byte)'-' or (byte)' ');

    /// <summary>Digit, separator (space, dash), capital-letter and one-character-anchor masks of 64 bytes, bit i = byte i.</summary>
    private static (ulong Digits, ulong Separators, ulong Upper, ulong Anchors) Masks(ReadOnlySpan<byte> chunk, byte[] triggers)
    {
        ref var start = ref MemoryMarshal.GetReference(chunk);
        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256.LoadUnsafe(ref start);
            var high = Vector256.LoadUnsafe(ref start, 32);
            return (
                Join(Digits(low), Digits(high)),
                Join(Separators(low), Separators(high)),
                Join(Upper(low), Upper(high)),
                triggers.Length == 0 ? 0 : Join(Anchors(low, triggers), Anchors(high, triggers)));
        }

        ulong digits = 0, separators = 0, upper = 0, anchors = 0;
        for (var part = 0; part < ChunkBytes; part += 16)
        {
            var v = Vector128.LoadUnsafe(ref start, (nuint)part);
            digits |= (ulong)Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)10)).ExtractMostSignificantBits() << part;
            separators |= (ulong)(Vector128.Equals(v, Vector128.Create((byte)' ')) | Vector128.Equals(v, Vector128.Create((byte)'-'))).ExtractMostSignificantBits() << part;
            upper |= (ulong)Vector128.LessThan(v - Vector128.Create((byte)'A'), Vector128.Create((byte)26)).ExtractMostSignificantBits() << part;
            var t = Vector128<byte>.Zero;
            foreach (var trigger in triggers)
            {
                t |= Vector128.Equals(v, Vector128.Create(trigger));
            }

            anchors |= (ulong)t.ExtractMostSignificantBits() << part;
        }

        return (digits, separators, upper, anchors);
    }

    private static ulong Join(uint low, uint high) => low | ((ulong)high << 32);

    private static uint Digits(Vector256<byte> v) => Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)10)).ExtractMostSignificantBits();

    private static uint Separators(Vector256<byte> v) => (Vector256.Equals(v, Vector256.Create((byte)' ')) | Vector256.Equals(v, Vector256.Create((byte)'-'))).ExtractMostSignificantBits();

    private static uint Upper(Vector256<byte> v) => Vector256.LessThan(v - Vector256.Create((byte)'A'), Vector256.Create((byte)26)).ExtractMostSignificantBits();

    private static uint Anchors(Vector256<byte> v, byte[] triggers)
    {
        var t = Vector256.Equals(v, Vector256.Create(triggers[0]));
        for (var i = 1; i < triggers.Length; i++)
        {
            t |= Vector256.Equals(v, Vector256.Create(triggers[i]));
        }

        return t.ExtractMostSignificantBits();
    }

    /// <summary>The original pass, every digit and one-character anchor in order: kept for packs whose one-character anchor is a letter, digit or separator.</summary>
    private void SequentialTriggerPass(ReadOnlySpan<byte> text)
    {
        var triggers = _pack.TriggerBytesSearch;
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(triggers);
            if (found < 0)
            {
                break;
            }

            var at = position + found;
            var c = text[at];
            if (IsDigit(c))
            {
                position = ScanDigits(text, at);
                continue;
            }

            if (_pack.RulesForTrigger((char)c) is { } rules)
            {
                foreach (var rule in rules)
                {
                    AddWindow(text, rule, at);
                }
            }

            position = at + 1;
        }
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
        foreach (var match in rule.Pattern!.EnumerateMatches(window))
        {
            var secretStart = start + match.Index;
            var secretLength = match.Length;
            if (rule.SecretPattern is { } secretPattern)
            {
                var found = false;
                foreach (var inner in secretPattern.EnumerateMatches(text.Slice(secretStart, secretLength)))
                {
                    secretStart = start + match.Index + inner.Index;
                    secretLength = inner.Length;
                    found = true;
                }

                if (!found)
                {
                    continue;
                }
            }

            if (secretLength > 0 && rule.Accept(text, secretStart, secretLength))
            {
                AddCandidate(rule.Index, secretStart, secretLength);
            }
        }
    }

    /// <summary>
    /// At the first digit of a run: an IBAN whose country code precedes it, else digit groups joined by one kind of
    /// separator (space or dash): payment cards (13-19 digits, Luhn, brand range) and US SSNs (3-2-4). Returns where to resume.
    /// </summary>
    private int ScanDigits(ReadOnlySpan<byte> text, int at)
    {
        if (_pack.Iban is not null && at >= 2 && IsUpper(text[at - 1]) && IsUpper(text[at - 2])
            && (at == 2 || !IsLetterOrDigit(text[at - 3])) && TryIban(text, at - 2, out var ibanEnd))
        {
            return ibanEnd;
        }

        Span<int> groupStart = stackalloc int[MaxDigitGroups];
        Span<int> groupLength = stackalloc int[MaxDigitGroups];
        Span<byte> separator = stackalloc byte[MaxDigitGroups];
        var groups = 0;
        var p = at;
        while (groups < MaxDigitGroups)
        {
            var s = p;
            while (p < text.Length && IsDigit(text[p]))
            {
                p++;
            }

            groupStart[groups] = s;
            groupLength[groups] = p - s;
            separator[groups] = 0;
            groups++;
            if (p + 1 < text.Length && text[p] is (byte)' ' or (byte)'-' && IsDigit(text[p + 1]))
            {
                separator[groups - 1] = text[p];
                p++;
                continue;
            }

            break;
        }

        CharactersExamined += p - at;

        // A number glued to letters, or a decimal fraction (JSON floats such as logprobs), is not a card or an SSN.
        var before = at > 0 ? text[at - 1] : (byte)' ';
        var beforeGlued = IsLetterOrDigit(before) || before is (byte)'_' or (byte)'.';
        if (separator[groups - 1] != 0)
        {
            // The run goes on past the groups examined: cards starting early enough to be complete here, then resume.
            var next = groups - MaxCardGroups;
            if (_pack.PaymentCard is not null && !beforeGlued)
            {
                next = FindCards(text, groupStart[..groups], groupLength[..groups], separator[..groups], groups - MaxCardGroups);
            }

            return next < groups ? groupStart[next] : p;
        }

        var after = p < text.Length ? text[p] : (byte)' ';
        if (beforeGlued || char.IsAsciiLetter((char)after) || after == '_' || (after == '.' && p + 1 < text.Length && IsDigit(text[p + 1])))
        {
            return SkipRun(text, p);
        }

        if (_pack.UsSsn is not null && groups == 3 && groupLength[0] == 3 && groupLength[1] == 2 && groupLength[2] == 4 && separator[0] == separator[1])
        {
            var area = Number(text, groupStart[0], 3);
            var group = Number(text, groupStart[1], 2);
            var serial = Number(text, groupStart[2], 4);
            if (UsSsn.IsValid(area, group, serial))
            {
                AddScannerCandidate(text, _pack.UsSsn.Index, groupStart[0], p - groupStart[0]);
            }

            return p;
        }

        if (_pack.PaymentCard is not null)
        {
            FindCards(text, groupStart[..groups], groupLength[..groups], separator[..groups], groups);
        }

        return p;
    }

    /// <summary>Cards starting at groups before <paramref name="firstLimit"/>; returns the first group not consumed.</summary>
    private int FindCards(ReadOnlySpan<byte> text, ReadOnlySpan<int> groupStart, ReadOnlySpan<int> groupLength, ReadOnlySpan<byte> separator, int firstLimit)
    {
        Span<char> digits = stackalloc char[19];
        var first = 0;
        while (first < firstLimit)
        {
            var total = 0;
            var bestLast = -1;
            for (var last = first; last < groupStart.Length; last++)
            {
                if (last > first && separator[last - 1] != separator[first])
                {
                    break;
                }

                total += groupLength[last];
                if (total > 19)
                {
                    break;
                }

                if (total >= 12)
                {
                    var n = 0;
                    for (var g = first; g <= last; g++)
                    {
                        for (var d = 0; d < groupLength[g]; d++)
                        {
                            digits[n++] = (char)text[groupStart[g] + d];
                        }
                    }

                    if (Luhn.IsValid(digits[..n]) && PaymentCardBrand.Of(digits[..n]) is not null)
                    {
                        bestLast = last;
                    }
                }
            }

            if (bestLast >= 0)
            {
                var start = groupStart[first];
                AddScannerCandidate(text, _pack.PaymentCard!.Index, start, groupStart[bestLast] + groupLength[bestLast] - start);
                first = bestLast + 1;
            }
            else
            {
                first++;
            }
        }

        return first;
    }

    private bool TryIban(ReadOnlySpan<byte> text, int start, out int end)
    {
        end = start;
        var expected = Iban.LengthFor((char)text[start], (char)text[start + 1]);
        if (expected == 0)
        {
            return false;
        }

        Span<char> compact = stackalloc char[34];
        var n = 0;
        var p = start;
        while (p < text.Length && n < expected)
        {
            var c = text[p];
            if (IsDigit(c) || IsUpper(c))
            {
                compact[n++] = (char)c;
                p++;
            }
            else if (c == ' ' && n % 4 == 0 && n > 0 && p + 1 < text.Length && IsLetterOrDigit(text[p + 1]))
            {
                p++;
            }
            else
            {
                break;
            }
        }

        CharactersExamined += p - start;
        if (n != expected || (p < text.Length && IsLetterOrDigit(text[p])) || !Iban.IsValid(compact[..n]))
        {
            return false;
        }

        AddScannerCandidate(text, _pack.Iban!.Index, start, p - start);
        end = p;
        return true;
    }

    /// <summary>A bare 40-character secret near an AWS access key id is its secret access key (the pair is the credential).</summary>
    private void PairAwsSecrets(ReadOnlySpan<byte> bytes)
    {
        if (_pack.AwsPair is not { } pairRule || _pack.AwsAccessKeyId is not { } keyRule)
        {
            return;
        }

        var count = _candidateCount;
        for (var i = 0; i < count; i++)
        {
            if (_candidates[i].Rule != keyRule.Index)
            {
                continue;
            }

            var from = Math.Max(0, _candidates[i].Start - AwsPairDistance);
            var to = Math.Min(bytes.Length, _candidates[i].Start + _candidates[i].Length + AwsPairDistance);
            var text = Widen(bytes, Math.Max(0, from - 1), Math.Min(bytes.Length, to + 1));
            var p = from;
            while (p < to)
            {
                var found = text[p..to].IndexOfAny(s_awsSecretChars);
                if (found < 0)
                {
                    break;
                }

                var s = p + found;
                var runEnd = text[s..to].IndexOfAnyExcept(s_awsSecretChars);
                var e = runEnd < 0 ? to : s + runEnd;
                CharactersExamined += e - p;
                if (e - s == 40 && (e == text.Length || !s_awsSecretChars.Contains(text[e])) && (s == 0 || !s_awsSecretChars.Contains(text[s - 1]))
                    && text[s..e].ContainsAnyInRange('0', '9') && text[s..e].ContainsAnyInRange('a', 'z') && text[s..e].ContainsAnyInRange('A', 'Z')
                    && pairRule.Accept(text, s, 40))
                {
                    AddCandidate(pairRule.Index, s, 40);
                }

                p = e;
            }
        }
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

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsUpper(byte b) => (uint)(b - 'A') <= 'Z' - 'A';

    private static bool IsLetterOrDigit(byte b) => char.IsAsciiLetterOrDigit((char)b);

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

    private static int SkipRun(ReadOnlySpan<byte> text, int p)
    {
        while (p < text.Length && (IsLetterOrDigit(text[p]) || text[p] is (byte)'_' or (byte)'.' or (byte)'-'))
        {
            p++;
        }

        return p;
    }

    private static int Number(ReadOnlySpan<byte> text, int start, int length)
    {
        var value = 0;
        for (var i = 0; i < length; i++)
        {
            value = (value * 10) + (text[start + i] - '0');
        }

        return value;
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
