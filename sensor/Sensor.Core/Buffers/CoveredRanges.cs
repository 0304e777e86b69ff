namespace Sensor.Core.Buffers;

/// <summary>
/// Which byte ranges of a reassembly buffer hold data: sorted, disjoint, merged on insert. Shared by IP
/// defragmentation and QUIC CRYPTO reassembly, where pieces arrive in any order and may overlap.
/// </summary>
public sealed class CoveredRanges
{
    private readonly List<(int Start, int End)> _ranges = new(4);

    public int Count => _ranges.Count;

    public (int Start, int End) this[int index] => _ranges[index];

    /// <summary>Bytes available from offset 0 without a hole.</summary>
    public int ContiguousFromZero => _ranges.Count > 0 && _ranges[0].Start == 0 ? _ranges[0].End : 0;

    public List<(int Start, int End)>.Enumerator GetEnumerator() => _ranges.GetEnumerator();

    /// <summary>Marks [start, end) as covered, merging with touching or overlapping ranges.</summary>
    public void Add(int start, int end)
    {
        var merged = (Start: start, End: end);
        for (var i = _ranges.Count - 1; i >= 0; i--)
        {
            var c = _ranges[i];
            if (c.End >= merged.Start && c.Start <= merged.End)
            {
                merged = (Math.Min(c.Start, merged.Start), Math.Max(c.End, merged.End));
                _ranges.RemoveAt(i);
            }
        }

        var at = 0;
        while (at < _ranges.Count && _ranges[at].Start < merged.Start)
        {
            at++;
        }

        _ranges.Insert(at, merged);
    }
}
