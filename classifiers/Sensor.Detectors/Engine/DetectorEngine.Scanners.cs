using Sensor.Detectors.Validators;

namespace Sensor.Detectors.Engine;

/// <summary>The scanners that are not regexes: digit runs (cards, SSNs), IBANs, and the AWS access key pair.</summary>
public sealed partial class DetectorEngine
{
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

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsUpper(byte b) => (uint)(b - 'A') <= 'Z' - 'A';

    private static bool IsLetterOrDigit(byte b) => char.IsAsciiLetterOrDigit((char)b);

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
}
