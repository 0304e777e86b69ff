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

        Span<int> counts = stackalloc int[256];
        foreach (var c in value)
        {
            counts[c & 0xFF]++;
        }

        double entropy = 0;
        double length = value.Length;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = count / length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}
