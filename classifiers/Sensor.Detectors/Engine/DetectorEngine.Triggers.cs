using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Sensor.Detectors.Rules;

namespace Sensor.Detectors.Engine;

/// <summary>The digit and one-character-anchor pass: vector masks over 64-byte blocks, and the sequential scan replayed only where a finding can start.</summary>
public sealed partial class DetectorEngine
{
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
            var valid = (1UL << Math.Min(ChunkStride, text.Length - c)) - 1;
            var events = TriggerEvents(digits, separators, upper, anchors, prevDigit, prevUpper, prevUpper2, valid);
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

    /// <summary>
    /// Positions (bits) where a finding can start: a digit in a run of 11 digits or single separators between digits,
    /// a digit right after two capitals, a one-character anchor; <paramref name="prevDigit"/> etc. are the block's
    /// preceding bytes (0 or 1), <paramref name="valid"/> the positions this block answers for.
    /// </summary>
    private static ulong TriggerEvents(ulong digits, ulong separators, ulong upper, ulong anchors, ulong prevDigit, ulong prevUpper, ulong prevUpper2, ulong valid)
    {
        var joined = digits | (separators & ((digits << 1) | prevDigit) & (digits >> 1));
        var run = joined & (joined >> 1);
        run &= run >> 2;
        run &= run >> 4;
        run &= run >> 3;
        var iban = digits & ((upper << 1) | prevUpper) & ((upper << 2) | (prevUpper << 1) | prevUpper2);
        return ((run & digits) | iban | anchors) & valid;
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
}
