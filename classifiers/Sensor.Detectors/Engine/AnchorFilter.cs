using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Sensor.Detectors.Engine;

/// <summary>
/// Finds every keyword of the pack in one pass over the raw bytes (no widening to chars). Each keyword is reduced to its
/// rarest three adjacent bytes (all case variants when the keyword ignores case; a two-character keyword leaves the third
/// open); a Teddy-style filter (nibble lookups with byte shuffles, 8 buckets) flags positions whose bytes may belong to a
/// keyword, an exact 64K-bit set of the first two bytes drops most nibble cross-products, and only then is the keyword
/// compared where it would start. Three bytes, not two: with pairs, one position in eight reached the check on prose
/// ("re" of "bearer", "la" of "atlassian"). Exactly the positions the
/// per-group <c>IndexOfAny(SearchValues&lt;string&gt;)</c> + <c>StartsWith</c> search found, in one pass instead of
/// one per group, at several GB/s (bench/Sensor.Benchmarks/Detectors: the widen + SearchValues&lt;string&gt; scan ran at 0.4 GB/s).
/// </summary>
internal sealed class AnchorFilter
{
    private const int Buckets = 8;

    /// <summary>The padded copy of the last positions: at most 33 bytes are left, and the third load reads bytes 2..33.</summary>
    private const int TailBytes = 34;

    /// <summary>Items up to this length can be tested by <see cref="MayHit"/> (two 32-lane blocks; its buffer is <see cref="PaddedBytes"/>).</summary>
    public const int MaxMayHitLength = 64;

    /// <summary>The buffer <see cref="MayHit"/> reads: <see cref="MaxMayHitLength"/> bytes and the two the third load reads past them.</summary>
    public const int PaddedBytes = MaxMayHitLength + 2;

    private static readonly double s_totalFrequency = Frequency([.. Enumerable.Repeat(true, 256)]);

    private readonly Vector128<byte> _lo1;
    private readonly Vector128<byte> _hi1;
    private readonly Vector128<byte> _lo2;
    private readonly Vector128<byte> _hi2;
    private readonly Vector128<byte> _lo3;
    private readonly Vector128<byte> _hi3;
    private readonly byte[] _scalarLo1 = new byte[16];
    private readonly byte[] _scalarHi1 = new byte[16];
    private readonly byte[] _scalarLo2 = new byte[16];
    private readonly byte[] _scalarHi2 = new byte[16];
    private readonly byte[] _scalarLo3 = new byte[16];
    private readonly byte[] _scalarHi3 = new byte[16];
    private readonly ulong[] _pairs = new ulong[65536 / 64];
    private readonly Entry[][] _buckets;

    /// <param name="anchors">Keywords (two characters or more) with the comparison the prefilter used for them and an opaque id reported back.</param>
    public AnchorFilter(IReadOnlyList<(string Text, StringComparison Comparison, int Id)> anchors)
    {
        var any = new bool[256];
        Array.Fill(any, true);
        var entries = new List<(Entry Entry, bool[] First, bool[] Second, bool[] Third, int Key)>();
        foreach (var (text, comparison, id) in anchors)
        {
            var sets = new bool[text.Length][];
            var impossible = false;
            for (var i = 0; i < text.Length; i++)
            {
                sets[i] = BytesMatching(text[i], comparison);
                impossible |= !sets[i].Contains(true);
            }

            if (impossible || text.Length < 2)
            {
                // A character no Latin-1 byte can equal: the keyword can never occur in widened bytes.
                continue;
            }

            var best = 0;
            var bestScore = double.MaxValue;
            for (var j = 0; j == 0 || j + 2 < text.Length; j++)
            {
                var score = Frequency(sets[j]) * Frequency(sets[j + 1]) * (j + 2 < text.Length ? Frequency(sets[j + 2]) : 1000);
                if (score < bestScore)
                {
                    bestScore = score;
                    best = j;
                }
            }

            var ascii = System.Text.Ascii.IsValid(text);
            var entry = new Entry(id, best, text, comparison, ascii ? [.. text.Select(c => (byte)c)] : null);
            entries.Add((entry, sets[best], sets[best + 1], best + 2 < text.Length ? sets[best + 2] : any, Array.IndexOf(sets[best], true)));
        }

        // Greedy bucket choice: the commonest fingerprints first, each into the bucket whose estimated false-positive
        // rate (the nibble cross-product of its three positions, weighed by Frequency) grows least.
        entries.Sort((a, b) => (Frequency(b.First) * Frequency(b.Second) * Frequency(b.Third)).CompareTo(Frequency(a.First) * Frequency(a.Second) * Frequency(a.Third)));
        var bucketOf = new int[entries.Count];
        var nibbles = new int[Buckets, 6];
        for (var k = 0; k < entries.Count; k++)
        {
            var (_, first, second, third, _) = entries[k];
            var chosen = 0;
            var least = double.MaxValue;
            for (var bucket = 0; bucket < Buckets; bucket++)
            {
                var before = Estimate(nibbles, bucket, null, null, null);
                var growth = Estimate(nibbles, bucket, first, second, third) - before;
                if (growth < least)
                {
                    least = growth;
                    chosen = bucket;
                }
            }

            bucketOf[k] = chosen;
            AddNibbles(nibbles, chosen, 0, first);
            AddNibbles(nibbles, chosen, 2, second);
            AddNibbles(nibbles, chosen, 4, third);
        }

        var buckets = Enumerable.Range(0, Buckets).Select(_ => new List<Entry>()).ToArray();
        Span<byte> lo1 = stackalloc byte[16];
        Span<byte> hi1 = stackalloc byte[16];
        Span<byte> lo2 = stackalloc byte[16];
        Span<byte> hi2 = stackalloc byte[16];
        Span<byte> lo3 = stackalloc byte[16];
        Span<byte> hi3 = stackalloc byte[16];
        for (var k = 0; k < entries.Count; k++)
        {
            var bucket = bucketOf[k];
            var bit = (byte)(1 << bucket);
            var (entry, first, second, third, _) = entries[k];
            buckets[bucket].Add(entry);
            for (var b1 = 0; b1 < 256; b1++)
            {
                if (!first[b1])
                {
                    continue;
                }

                lo1[b1 & 15] |= bit;
                hi1[b1 >> 4] |= bit;
                for (var b2 = 0; b2 < 256; b2++)
                {
                    if (second[b2])
                    {
                        var pair = (b1 << 8) | b2;
                        _pairs[pair >> 6] |= 1UL << pair;
                    }
                }
            }

            for (var b2 = 0; b2 < 256; b2++)
            {
                if (second[b2])
                {
                    lo2[b2 & 15] |= bit;
                    hi2[b2 >> 4] |= bit;
                }

                if (third[b2])
                {
                    lo3[b2 & 15] |= bit;
                    hi3[b2 >> 4] |= bit;
                }
            }
        }

        _buckets = [.. buckets.Select(b => b.ToArray())];
        lo1.CopyTo(_scalarLo1);
        hi1.CopyTo(_scalarHi1);
        lo2.CopyTo(_scalarLo2);
        hi2.CopyTo(_scalarHi2);
        lo3.CopyTo(_scalarLo3);
        hi3.CopyTo(_scalarHi3);
        _lo1 = Vector128.Create((ReadOnlySpan<byte>)lo1);
        _hi1 = Vector128.Create((ReadOnlySpan<byte>)hi1);
        _lo2 = Vector128.Create((ReadOnlySpan<byte>)lo2);
        _hi2 = Vector128.Create((ReadOnlySpan<byte>)hi2);
        _lo3 = Vector128.Create((ReadOnlySpan<byte>)lo3);
        _hi3 = Vector128.Create((ReadOnlySpan<byte>)hi3);
        Count = entries.Count;
    }

    /// <summary>Keywords searched (those that can occur in Latin-1 text).</summary>
    public int Count { get; }

    /// <summary>Calls <paramref name="sink"/> with (start, id) for every occurrence of every keyword, in order of the pair position.</summary>
    public void FindAll<TSink>(ReadOnlySpan<byte> text, ref TSink sink)
        where TSink : struct, IHitSink
    {
        var i = 0;
        if (Count == 0 || text.Length < 2)
        {
            return;
        }

        ref var start = ref MemoryMarshal.GetReference(text);
        if (Avx2.IsSupported)
        {
            var lo1 = Vector256.Create(_lo1, _lo1);
            var hi1 = Vector256.Create(_hi1, _hi1);
            var lo2 = Vector256.Create(_lo2, _lo2);
            var hi2 = Vector256.Create(_hi2, _hi2);
            var lo3 = Vector256.Create(_lo3, _lo3);
            var hi3 = Vector256.Create(_hi3, _hi3);
            var nibble = Vector256.Create((byte)15);
            Span<byte> lanes = stackalloc byte[32];
            for (; i + 34 <= text.Length; i += 32)
            {
                var v0 = Vector256.LoadUnsafe(ref start, (nuint)i);
                var v1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 1));
                var v2 = Vector256.LoadUnsafe(ref start, (nuint)(i + 2));
                var r = Avx2.Shuffle(lo1, v0 & nibble) & Avx2.Shuffle(hi1, Vector256.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & nibble)
                    & Avx2.Shuffle(lo2, v1 & nibble) & Avx2.Shuffle(hi2, Vector256.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & nibble)
                    & Avx2.Shuffle(lo3, v2 & nibble) & Avx2.Shuffle(hi3, Vector256.ShiftRightLogical(v2.AsUInt16(), 4).AsByte() & nibble);
                var mask = ~Vector256.Equals(r, Vector256<byte>.Zero).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    r.CopyTo(lanes);
                    do
                    {
                        var k = BitOperations.TrailingZeroCount(mask);
                        Verify(text, i + k, lanes[k], ref sink);
                        mask &= mask - 1;
                    }
                    while (mask != 0);
                }
            }

            if (i + 1 < text.Length)
            {
                FindTail(text, i, ref sink);
            }

            return;
        }
        else if ((Ssse3.IsSupported || AdvSimd.Arm64.IsSupported) && text.Length >= 18)
        {
            var nibble = Vector128.Create((byte)15);
            Span<byte> lanes = stackalloc byte[16];
            for (; i + 18 <= text.Length; i += 16)
            {
                var v0 = Vector128.LoadUnsafe(ref start, (nuint)i);
                var v1 = Vector128.LoadUnsafe(ref start, (nuint)(i + 1));
                var v2 = Vector128.LoadUnsafe(ref start, (nuint)(i + 2));
                var r = Shuffle(_lo1, v0 & nibble) & Shuffle(_hi1, Vector128.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & nibble)
                    & Shuffle(_lo2, v1 & nibble) & Shuffle(_hi2, Vector128.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & nibble)
                    & Shuffle(_lo3, v2 & nibble) & Shuffle(_hi3, Vector128.ShiftRightLogical(v2.AsUInt16(), 4).AsByte() & nibble);
                var mask = ~Vector128.Equals(r, Vector128<byte>.Zero).ExtractMostSignificantBits() & 0xFFFF;
                if (mask != 0)
                {
                    r.CopyTo(lanes);
                    do
                    {
                        var k = BitOperations.TrailingZeroCount(mask);
                        Verify(text, i + k, lanes[k], ref sink);
                        mask &= mask - 1;
                    }
                    while (mask != 0);
                }
            }
        }

        for (; i + 1 < text.Length; i++)
        {
            var b0 = text[i];
            var b1 = text[i + 1];
            var buckets = _scalarLo1[b0 & 15] & _scalarHi1[b0 >> 4] & _scalarLo2[b1 & 15] & _scalarHi2[b1 >> 4];
            if (i + 2 < text.Length)
            {
                // Past the end the third byte is open: only a two-character keyword can end there, and the check decides.
                var b2 = text[i + 2];
                buckets &= _scalarLo3[b2 & 15] & _scalarHi3[b2 >> 4];
            }

            if (buckets != 0)
            {
                Verify(text, i, (byte)buckets, ref sink);
            }
        }
    }

    /// <summary>
    /// The last positions (from <paramref name="from"/>, fewer than 34 bytes left) as one 32-lane block over a zero-padded
    /// copy, instead of a scalar step per byte: most header values are that short, so for them this is the whole search.
    /// A zero pad byte only stands in for the open third byte the scalar loop allows at the next-to-last position (every
    /// two-character keyword's bucket accepts any third byte, zero included); a longer keyword cannot fit there, and Verify
    /// compares every keyword against the real bytes, so the hits are exactly the scalar loop's, in the same order.
    /// </summary>
    private void FindTail<TSink>(ReadOnlySpan<byte> text, int from, ref TSink sink)
        where TSink : struct, IHitSink
    {
        Span<byte> padded = stackalloc byte[TailBytes]; // zeroed: the runtime clears stackalloc here (no SkipLocalsInit)
        var rest = text[from..];
        rest.CopyTo(padded);
        ref var start = ref MemoryMarshal.GetReference(padded);
        var nibble = Vector256.Create((byte)15);
        var v0 = Vector256.LoadUnsafe(ref start);
        var v1 = Vector256.LoadUnsafe(ref start, 1);
        var v2 = Vector256.LoadUnsafe(ref start, 2);
        var r = Avx2.Shuffle(Vector256.Create(_lo1, _lo1), v0 & nibble) & Avx2.Shuffle(Vector256.Create(_hi1, _hi1), Vector256.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & nibble)
            & Avx2.Shuffle(Vector256.Create(_lo2, _lo2), v1 & nibble) & Avx2.Shuffle(Vector256.Create(_hi2, _hi2), Vector256.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & nibble)
            & Avx2.Shuffle(Vector256.Create(_lo3, _lo3), v2 & nibble) & Avx2.Shuffle(Vector256.Create(_hi3, _hi3), Vector256.ShiftRightLogical(v2.AsUInt16(), 4).AsByte() & nibble);

        // Positions p with p + 1 < length only (a keyword has two bytes at least); at most 32 of them.
        var mask = ~Vector256.Equals(r, Vector256<byte>.Zero).ExtractMostSignificantBits() & (uint)((1UL << (rest.Length - 1)) - 1);
        if (mask == 0)
        {
            return;
        }

        Span<byte> lanes = stackalloc byte[32];
        r.CopyTo(lanes);
        do
        {
            var k = BitOperations.TrailingZeroCount(mask);
            Verify(text, from + k, lanes[k], ref sink);
            mask &= mask - 1;
        }
        while (mask != 0);
    }

    /// <summary>
    /// Whether <see cref="FindAll{TSink}"/> could report anything for the first <paramref name="length"/> bytes of
    /// <paramref name="padded"/> (zero-padded to <see cref="PaddedBytes"/>): a position the filter flags whose first two
    /// bytes are a keyword pair. False means FindAll calls its sink for no position (it verifies only such positions, and
    /// the zero pad only stands in for the open third byte, as in <see cref="FindTail{TSink}"/>). AVX2 only (the caller checks).
    /// </summary>
    public bool MayHit(ReadOnlySpan<byte> padded, int length)
    {
        if (Count == 0 || length < 2)
        {
            return false;
        }

        ref var start = ref MemoryMarshal.GetReference(padded);
        var nibble = Vector256.Create((byte)15);
        for (var i = 0; i + 1 < length; i += 32)
        {
            var v0 = Vector256.LoadUnsafe(ref start, (nuint)i);
            var v1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 1));
            var v2 = Vector256.LoadUnsafe(ref start, (nuint)(i + 2));
            var r = Avx2.Shuffle(Vector256.Create(_lo1, _lo1), v0 & nibble) & Avx2.Shuffle(Vector256.Create(_hi1, _hi1), Vector256.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & nibble)
                & Avx2.Shuffle(Vector256.Create(_lo2, _lo2), v1 & nibble) & Avx2.Shuffle(Vector256.Create(_hi2, _hi2), Vector256.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & nibble)
                & Avx2.Shuffle(Vector256.Create(_lo3, _lo3), v2 & nibble) & Avx2.Shuffle(Vector256.Create(_hi3, _hi3), Vector256.ShiftRightLogical(v2.AsUInt16(), 4).AsByte() & nibble);
            var mask = ~Vector256.Equals(r, Vector256<byte>.Zero).ExtractMostSignificantBits() & (uint)((1UL << Math.Min(32, length - 1 - i)) - 1);
            while (mask != 0)
            {
                var at = i + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                var pair = (padded[at] << 8) | padded[at + 1];
                if ((_pairs[pair >> 6] & (1UL << pair)) != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static Vector128<byte> Shuffle(Vector128<byte> table, Vector128<byte> indices) =>
        Ssse3.IsSupported ? Ssse3.Shuffle(table, indices) : AdvSimd.Arm64.VectorTableLookup(table, indices);

    private void Verify<TSink>(ReadOnlySpan<byte> text, int at, byte buckets, ref TSink sink)
        where TSink : struct, IHitSink
    {
        var pair = (text[at] << 8) | text[at + 1];
        if ((_pairs[pair >> 6] & (1UL << pair)) == 0)
        {
            return;
        }

        while (buckets != 0)
        {
            var bucket = BitOperations.TrailingZeroCount(buckets);
            buckets &= (byte)(buckets - 1);
            foreach (var entry in _buckets[bucket])
            {
                var s = at - entry.Offset;
                if (s >= 0 && s + entry.Text.Length <= text.Length && entry.Matches(text.Slice(s, entry.Text.Length)))
                {
                    sink.Hit(s, entry.Id);
                }
            }
        }
    }

    private static void AddNibbles(int[,] nibbles, int bucket, int column, bool[] set)
    {
        for (var b = 0; b < 256; b++)
        {
            if (set[b])
            {
                nibbles[bucket, column] |= 1 << (b & 15);
                nibbles[bucket, column + 1] |= 1 << (b >> 4);
            }
        }
    }

    /// <summary>Estimated share of positions the bucket flags (with a keyword's sets added when given).</summary>
    private static double Estimate(int[,] nibbles, int bucket, bool[]? first, bool[]? second, bool[]? third)
    {
        var probability = 1.0;
        for (var position = 0; position < 3; position++)
        {
            var lo = nibbles[bucket, position * 2];
            var hi = nibbles[bucket, (position * 2) + 1];
            var extra = position switch { 0 => first, 1 => second, _ => third };
            if (extra is not null)
            {
                for (var b = 0; b < 256; b++)
                {
                    if (extra[b])
                    {
                        lo |= 1 << (b & 15);
                        hi |= 1 << (b >> 4);
                    }
                }
            }

            var covered = new bool[256];
            for (var b = 0; b < 256; b++)
            {
                covered[b] = (lo & (1 << (b & 15))) != 0 && (hi & (1 << (b >> 4))) != 0;
            }

            probability *= Frequency(covered) / s_totalFrequency;
        }

        return probability;
    }

    /// <summary>Bytes whose Latin-1 character the comparison finds equal to <paramref name="c"/>.</summary>
    private static bool[] BytesMatching(char c, StringComparison comparison)
    {
        var set = new bool[256];
        Span<char> one = stackalloc char[1];
        ReadOnlySpan<char> target = [c];
        for (var b = 0; b < 256; b++)
        {
            one[0] = (char)b;
            set[b] = ((ReadOnlySpan<char>)one).Equals(target, comparison);
        }

        return set;
    }

    /// <summary>
    /// How common the bytes are in decoded AI traffic (prose, code, JSON), in rough per-mille: English letter frequencies,
    /// capitals a tenth of their small letter, digits, JSON punctuation. Only the ranking matters (choosing a keyword's rarest pair).
    /// </summary>
    private static double Frequency(bool[] set)
    {
        const string Letters = "etaoinshrdlcumwfgypbvkjxqz";
        double[] letterFrequency = [100, 72, 65, 60, 56, 54, 50, 49, 48, 34, 32, 22, 22, 19, 19, 18, 16, 16, 15, 12, 8, 6, 1.2, 1.2, 0.8, 0.6];
        var total = 0.0;
        for (var b = 0; b < 256; b++)
        {
            if (!set[b])
            {
                continue;
            }

            var c = (char)b;
            total += c switch
            {
                ' ' => 150,
                >= 'a' and <= 'z' => letterFrequency[Letters.IndexOf(c, StringComparison.Ordinal)],
                >= 'A' and <= 'Z' => (letterFrequency[Letters.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal)] / 10) + 1,
                >= '0' and <= '9' => 5,
                '"' or '\n' => 15,
                ',' or '.' => 10,
                ':' or '(' or ')' => 4,
                '_' or '-' or '/' => 3,
                '=' or '\'' => 2,
                < ' ' or >= (char)0x7F => 0.5,
                _ => 1,
            };
        }

        return total;
    }

    private sealed class Entry(int id, int offset, string text, StringComparison comparison, byte[]? ascii)
    {
        public int Id { get; } = id;

        /// <summary>Where the filtered bytes start in the keyword.</summary>
        public int Offset { get; } = offset;

        public string Text { get; } = text;

        public bool Matches(ReadOnlySpan<byte> candidate)
        {
            if (ascii is not null)
            {
                return comparison == StringComparison.Ordinal ? candidate.SequenceEqual(ascii) : System.Text.Ascii.EqualsIgnoreCase(candidate, ascii);
            }

            Span<char> chars = stackalloc char[Math.Min(candidate.Length, 256)];
            if (candidate.Length > chars.Length)
            {
                return Matches(candidate, Text, comparison);
            }

            for (var i = 0; i < candidate.Length; i++)
            {
                chars[i] = (char)candidate[i];
            }

            return ((ReadOnlySpan<char>)chars).Equals(Text, comparison);
        }

        private static bool Matches(ReadOnlySpan<byte> candidate, string text, StringComparison comparison)
        {
            Span<char> one = stackalloc char[1];
            for (var i = 0; i < candidate.Length; i++)
            {
                one[0] = (char)candidate[i];
                if (!((ReadOnlySpan<char>)one).Equals(text.AsSpan(i, 1), comparison))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>Receives the filter's hits without a delegate (a struct, so the call inlines).</summary>
internal interface IHitSink
{
    void Hit(int start, int id);
}
