using System.Buffers;
using Sensor.Core.Buffers;

namespace Sensor.Decode.Defrag;

/// <summary>One datagram's fragments, copied into a pooled buffer; first data wins on overlap (BSD-like policy).</summary>
internal sealed class FragmentTracker
{
    private readonly CoveredRanges _covered = new();
    private byte[] _buffer;

    public FragmentTracker(int initialSize, long firstSeenMicros)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
        FirstSeenMicros = firstSeenMicros;
    }

    public long FirstSeenMicros { get; }

    /// <summary>Total payload length, known once the fragment without More Fragments arrived; -1 before.</summary>
    public int TotalLength { get; private set; } = -1;

    public int BufferSize => _buffer.Length;

    public ReadOnlyMemory<byte> Payload => _buffer.AsMemory(0, TotalLength);

    /// <summary>Makes the held buffer at least <paramref name="end"/> bytes long; returns by how much it grew (pool sizes round up).</summary>
    public int EnsureCapacity(int end)
    {
        if (end <= _buffer.Length)
        {
            return 0;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(end, _buffer.Length * 2));
        _buffer.AsSpan().CopyTo(bigger);
        var grown = bigger.Length - _buffer.Length;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
        return grown;
    }

    /// <summary>Adds a fragment. Returns the growth of the held buffer and reports whether an overlap carried different bytes.</summary>
    public int Add(int offset, ReadOnlySpan<byte> data, bool last, out bool overlapDiffers)
    {
        overlapDiffers = false;
        var end = offset + data.Length;
        var grown = EnsureCapacity(end);

        if (last)
        {
            TotalLength = end;
        }

        // Copy only the parts not yet covered; compare the parts that are.
        var cursor = offset;
        foreach (var (start, stop) in _covered)
        {
            if (stop <= cursor || start >= end)
            {
                continue;
            }

            if (start > cursor)
            {
                data[(cursor - offset)..(start - offset)].CopyTo(_buffer.AsSpan(cursor));
            }

            var overlapStart = Math.Max(start, cursor);
            var overlapEnd = Math.Min(stop, end);
            if (!data[(overlapStart - offset)..(overlapEnd - offset)].SequenceEqual(_buffer.AsSpan(overlapStart, overlapEnd - overlapStart)))
            {
                overlapDiffers = true;
            }

            cursor = Math.Max(cursor, overlapEnd);
        }

        if (cursor < end)
        {
            data[(cursor - offset)..].CopyTo(_buffer.AsSpan(cursor));
        }

        _covered.Add(offset, end);
        return grown;
    }

    public bool IsComplete => TotalLength >= 0 && _covered.ContiguousFromZero >= TotalLength;

    public void Release() => ArrayPool<byte>.Shared.Return(_buffer);
}
