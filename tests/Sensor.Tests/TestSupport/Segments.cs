using System.Buffers;

namespace Sensor.Tests.TestSupport;

/// <summary>
/// Multi-segment input for the split properties (style.md §2.7 (b), (c); runtime's <c>BufferFactory</c>):
/// one buffer cut into a <see cref="ReadOnlySequence{T}"/> of several segments, or into chunks for separate calls.
/// </summary>
internal static class Segments
{
    /// <summary>The parts as one sequence of that many segments (empty parts included, as a pipe may deliver them).</summary>
    public static ReadOnlySequence<byte> Sequence(params byte[][] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary><paramref name="data"/> cut at <paramref name="cut"/>: two parts, either may be empty.</summary>
    public static byte[][] SplitAt(byte[] data, int cut) => [data[..cut], data[cut..]];

    /// <summary><paramref name="data"/> cut into chunks of 1..<paramref name="maxChunk"/> bytes chosen by <paramref name="random"/>.</summary>
    public static byte[][] RandomChunks(byte[] data, Random random, int maxChunk)
    {
        var chunks = new List<byte[]>();
        for (var at = 0; at < data.Length;)
        {
            var size = Math.Min(random.Next(1, maxChunk + 1), data.Length - at);
            chunks.Add(data[at..(at + size)]);
            at += size;
        }

        return [.. chunks];
    }

    /// <summary><paramref name="data"/> cut to <paramref name="keep"/> bytes, then <paramref name="garbage"/> random bytes appended.</summary>
    public static byte[] TruncateWithGarbage(byte[] data, Random random, int keep, int garbage)
    {
        var result = new byte[keep + garbage];
        data.AsSpan(0, keep).CopyTo(result);
        random.NextBytes(result.AsSpan(keep));
        return result;
    }

    /// <summary>A copy of <paramref name="data"/> with <paramref name="flips"/> random bytes replaced by random values.</summary>
    public static byte[] Mutate(byte[] data, Random random, int flips)
    {
        var copy = (byte[])data.Clone();
        for (var i = 0; i < flips && copy.Length > 0; i++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
