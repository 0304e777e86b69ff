using System.Buffers.Binary;
using System.Text;

namespace Sensor.Sessions.Http;

/// <summary>
/// Shares the strings of header values that repeat from message to message (a client's user-agent, accept,
/// content-type, x-stainless-* and anthropic-version fields; a server's server and vary): each message would
/// otherwise decode and allocate the same text again. Only fields named in <see cref="Http1Strings"/> as repeating
/// are cached, never credentials or cookies, so no secret is kept alive by the cache. One small direct-mapped table
/// per worker thread (workers own their flows, so no locks); a collision just replaces the slot.
/// </summary>
internal static class HeaderValueCache
{
    /// <summary>Slots per thread: a few clients' worth of repeating fields (about 30 each).</summary>
    private const int Slots = 512;

    /// <summary>Longer values are decoded every time: user-agents run to ~150 bytes, anything longer rarely repeats.</summary>
    private const int MaxValueBytes = 256;

    [ThreadStatic]
    private static string?[]? t_slots;

    /// <summary>The value as text (as <see cref="Http1Strings.Text"/>), shared with an earlier equal one when cached.</summary>
    public static string Get(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > MaxValueBytes)
        {
            return Http1Strings.Text(value);
        }

        var slots = t_slots ??= new string?[Slots];
        ref var slot = ref slots[Hash(value) & (Slots - 1)];

        // ASCII-equal means the UTF-8 decoding is that same text; other values are decoded (and cached) afresh.
        if (slot is { } cached && cached.Length == value.Length && Ascii.Equals(value, cached))
        {
            return cached;
        }

        return slot = Http1Strings.Text(value);
    }

    /// <summary>
    /// Length and the first and last eight bytes, mixed: constant time per value, which matters more than spreading
    /// values that differ only in the middle (those just take turns in a slot).
    /// </summary>
    private static uint Hash(ReadOnlySpan<byte> value)
    {
        ulong head;
        ulong tail;
        if (value.Length >= sizeof(ulong))
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(value);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(value[^sizeof(ulong)..]);
        }
        else
        {
            head = 0;
            foreach (var b in value)
            {
                head = (head << 8) | b;
            }

            tail = 0;
        }

        var mixed = ((head * 0x9E3779B97F4A7C15UL) ^ tail ^ (ulong)value.Length) * 0xC2B2AE3D27D4EB4FUL;
        return (uint)(mixed >> 32);
    }
}
