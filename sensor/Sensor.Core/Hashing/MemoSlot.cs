using System.Runtime.InteropServices;

namespace Sensor.Core.Hashing;

/// <summary>
/// The slot of a key in a direct-mapped memo: FNV-1a over 8-byte words, then a fold. For spreading keys over slots, not
/// for security: every memo that uses it confirms a hit by comparing the whole key.
/// </summary>
public static class MemoSlot
{
    public static int Of(ReadOnlySpan<byte> key, int slots)
    {
        var hash = 14695981039346656037UL;
        var words = MemoryMarshal.Cast<byte, ulong>(key);
        foreach (var word in words)
        {
            hash = (hash ^ word) * 1099511628211UL;
        }

        foreach (var b in key[(words.Length * sizeof(ulong))..])
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        hash ^= (ulong)key.Length;
        return (int)((hash ^ (hash >> 29)) % (ulong)slots);
    }
}
