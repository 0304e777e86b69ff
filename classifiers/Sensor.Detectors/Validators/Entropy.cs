namespace Sensor.Detectors.Validators;

/// <summary>Shannon entropy in bits per character, as gitleaks computes it to reject placeholders (<c>xxxx</c>, <c>AAAA</c>).</summary>
public static class Entropy
{
    public static double Shannon(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        // Counts of the characters present, summed in character order as before (same rounding), without visiting all 256.
        Span<int> counts = stackalloc int[256];
        Span<ulong> present = stackalloc ulong[4];
        foreach (var c in value)
        {
            var b = c & 0xFF;
            counts[b]++;
            present[b >> 6] |= 1UL << b;
        }

        double entropy = 0;
        double length = value.Length;
        for (var word = 0; word < 4; word++)
        {
            for (var bits = present[word]; bits != 0; bits &= bits - 1)
            {
                var p = counts[(word << 6) | System.Numerics.BitOperations.TrailingZeroCount(bits)] / length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}
