using System.Buffers;
using System.Text;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Rules;
using Sensor.Detectors.Validators;

namespace Sensor.Detectors.Legacy;

/// <summary>
/// The detector engine as it was before the byte-level prefilter (main at 2742594): Latin-1 widening of the whole item,
/// one <c>IndexOfAny(SearchValues&lt;string&gt;)</c> pass per anchor group, a sequential digit pass. Kept only as the
/// oracle of the differential tests and the A/B baseline of the throughput benchmark; the product uses DetectorEngine.
/// </summary>
public sealed class LegacyDetectorEngine
{
    /// <summary>Distinct candidates kept per item: a body with more (a dump of a million emails) is reported up to here and flagged.</summary>
    public const int MaxCandidatesPerItem = 256;

    /// <summary>How far from an AWS access key id a bare 40-character secret counts as its pair (a key id and secret pasted together sit within a line or two).</summary>
    public const int AwsPairDistance = 256;

    /// <summary>Digit groups examined at once by the card/SSN scanner; longer runs are taken in slices that overlap by a card's worth (a 19-digit card in 4-digit groups has 5).</summary>
    private const int MaxDigitGroups = 32;

    private const int MaxCardGroups = 5;

    private static readonly SearchValues<char> s_awsSecretChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+");

    private readonly RulePack _pack;
    private readonly int[] _windowStart;
    private readonly int[] _windowEnd;
    private readonly int[] _active;
    private readonly Candidate[] _candidates = new Candidate[MaxCandidatesPerItem];
    private int _activeCount;
    private int _candidateCount;

    public LegacyDetectorEngine(RulePack pack)
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

        var chars = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            var length = Encoding.Latin1.GetChars(text, chars);
            return ScanChars(chars.AsSpan(0, length), receiver);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    /// <summary>Scans text already in characters (one char per byte).</summary>
    public int ScanChars(ReadOnlySpan<char> text, IMatchReceiver receiver)
    {
        _candidateCount = 0;
        LastScanCapped = false;
        Prefilter(text);
        TriggerPass(text);
        for (var i = 0; i < _activeCount; i++)
        {
            Flush(text, _active[i]);
        }

        _activeCount = 0;
        PairAwsSecrets(text);
        return Report(text, receiver);
    }

    private void Prefilter(ReadOnlySpan<char> text)
    {
        foreach (var group in _pack.AnchorGroups)
        {
            var position = 0;
            while (position < text.Length)
            {
                var found = text[position..].IndexOfAny(group.Search);
                if (found < 0)
                {
                    break;
                }

                var at = position + found;
                {
                    var rest = text[at..];
                    foreach (var anchor in group.Anchors)
                    {
                        if (char.ToLowerInvariant(anchor.Text[0]) == char.ToLowerInvariant(text[at]) && rest.StartsWith(anchor.Text, group.Comparison))
                        {
                            foreach (var rule in anchor.Rules)
                            {
                                AddWindow(text, rule, at);
                            }
                        }
                    }
                }

                position = at + 1;
            }
        }
    }

    private void TriggerPass(ReadOnlySpan<char> text)
    {
        var triggers = _pack.Triggers;
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
            if (char.IsAsciiDigit(c))
            {
                position = ScanDigits(text, at);
                continue;
            }

            if (_pack.RulesForTrigger(c) is { } rules)
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
    private void AddWindow(ReadOnlySpan<char> text, int ruleIndex, int at)
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
    private void Flush(ReadOnlySpan<char> text, int ruleIndex)
    {
        var start = _windowStart[ruleIndex];
        var end = _windowEnd[ruleIndex];
        if (end < 0)
        {
            return;
        }

        _windowEnd[ruleIndex] = -1;
        var rule = _pack.Rules[ruleIndex];
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
    private int ScanDigits(ReadOnlySpan<char> text, int at)
    {
        if (_pack.Iban is not null && at >= 2 && char.IsAsciiLetterUpper(text[at - 1]) && char.IsAsciiLetterUpper(text[at - 2])
            && (at == 2 || !char.IsAsciiLetterOrDigit(text[at - 3])) && TryIban(text, at - 2, out var ibanEnd))
        {
            return ibanEnd;
        }

        Span<int> groupStart = stackalloc int[MaxDigitGroups];
        Span<int> groupLength = stackalloc int[MaxDigitGroups];
        Span<char> separator = stackalloc char[MaxDigitGroups];
        var groups = 0;
        var p = at;
        while (groups < MaxDigitGroups)
        {
            var s = p;
            while (p < text.Length && char.IsAsciiDigit(text[p]))
            {
                p++;
            }

            groupStart[groups] = s;
            groupLength[groups] = p - s;
            separator[groups] = '\0';
            groups++;
            if (p + 1 < text.Length && text[p] is ' ' or '-' && char.IsAsciiDigit(text[p + 1]))
            {
                separator[groups - 1] = text[p];
                p++;
                continue;
            }

            break;
        }

        CharactersExamined += p - at;

        // A number glued to letters, or a decimal fraction (JSON floats such as logprobs), is not a card or an SSN.
        var before = at > 0 ? text[at - 1] : ' ';
        var beforeGlued = char.IsAsciiLetterOrDigit(before) || before is '_' or '.';
        if (separator[groups - 1] != '\0')
        {
            // The run goes on past the groups examined: cards starting early enough to be complete here, then resume.
            var next = groups - MaxCardGroups;
            if (_pack.PaymentCard is not null && !beforeGlued)
            {
                next = FindCards(text, groupStart[..groups], groupLength[..groups], separator[..groups], groups - MaxCardGroups);
            }

            return next < groups ? groupStart[next] : p;
        }

        var after = p < text.Length ? text[p] : ' ';
        if (beforeGlued || char.IsAsciiLetter(after) || after == '_' || (after == '.' && p + 1 < text.Length && char.IsAsciiDigit(text[p + 1])))
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
                AddCandidate(_pack.UsSsn.Index, groupStart[0], p - groupStart[0]);
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
    private int FindCards(ReadOnlySpan<char> text, ReadOnlySpan<int> groupStart, ReadOnlySpan<int> groupLength, ReadOnlySpan<char> separator, int firstLimit)
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
                        text.Slice(groupStart[g], groupLength[g]).CopyTo(digits[n..]);
                        n += groupLength[g];
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
                AddCandidate(_pack.PaymentCard!.Index, start, groupStart[bestLast] + groupLength[bestLast] - start);
                first = bestLast + 1;
            }
            else
            {
                first++;
            }
        }

        return first;
    }

    private bool TryIban(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start;
        var expected = Iban.LengthFor(text[start], text[start + 1]);
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
            if (char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            {
                compact[n++] = c;
                p++;
            }
            else if (c == ' ' && n % 4 == 0 && n > 0 && p + 1 < text.Length && char.IsAsciiLetterOrDigit(text[p + 1]))
            {
                p++;
            }
            else
            {
                break;
            }
        }

        CharactersExamined += p - start;
        if (n != expected || (p < text.Length && char.IsAsciiLetterOrDigit(text[p])) || !Iban.IsValid(compact[..n]))
        {
            return false;
        }

        AddCandidate(_pack.Iban!.Index, start, p - start);
        end = p;
        return true;
    }

    /// <summary>A bare 40-character secret near an AWS access key id is its secret access key (the pair is the credential).</summary>
    private void PairAwsSecrets(ReadOnlySpan<char> text)
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
            var to = Math.Min(text.Length, _candidates[i].Start + _candidates[i].Length + AwsPairDistance);
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

    private static int SkipRun(ReadOnlySpan<char> text, int p)
    {
        while (p < text.Length && (char.IsAsciiLetterOrDigit(text[p]) || text[p] is '_' or '.' or '-'))
        {
            p++;
        }

        return p;
    }

    private static int Number(ReadOnlySpan<char> text, int start, int length)
    {
        var value = 0;
        for (var i = 0; i < length; i++)
        {
            value = (value * 10) + (text[start + i] - '0');
        }

        return value;
    }

    private struct Candidate(int rule, int start, int length)
    {
        public int Rule = rule;
        public int Start = start;
        public int Length = length;
        public bool Dropped;
    }
}
