using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Sensor.Core.Hashing;

namespace Sensor.Sessions.Tls;

/// <summary>
/// Remembers recent hello fingerprints (the strings the <c>tls</c> event carries: JA4, JA3 hash and text, offered lists),
/// keyed by the GREASE-free values they are written from. A client stack sends the same hello fields connection after
/// connection, so a hit skips the texts, the hashes, the sort and every string allocation. Keys are public hello fields.
/// Direct-mapped, and a hit compares the whole key, so a result is always its own hello's. All key storage is allocated
/// once per memo; a slot holds one value, so the memo is bounded. (Chrome permutes its extension order per connection,
/// so its hellos mostly miss and cost the key building only.)
/// </summary>
internal sealed class HelloFingerprintMemo<T>
    where T : class
{
    /// <summary>Slots per memo (one per thread): a few hundred distinct client stacks before they evict each other.</summary>
    private const int Slots = 256;

    private readonly ushort[] _keys = new ushort[Slots * HelloMemoKey.MaxValues];
    private readonly int[] _lengths = new int[Slots];
    private readonly T?[] _values = new T?[Slots];

    public bool TryGet(ReadOnlySpan<ushort> key, [NotNullWhen(true)] out T? value)
    {
        var slot = Slot(key);
        if (_lengths[slot] == key.Length + 1 && key.SequenceEqual(_keys.AsSpan(slot * HelloMemoKey.MaxValues, key.Length)))
        {
            value = _values[slot]!;
            return true;
        }

        value = null;
        return false;
    }

    public void Remember(ReadOnlySpan<ushort> key, T value)
    {
        if (key.Length > HelloMemoKey.MaxValues)
        {
            return;
        }

        var slot = Slot(key);
        key.CopyTo(_keys.AsSpan(slot * HelloMemoKey.MaxValues));
        _values[slot] = value;
        _lengths[slot] = key.Length + 1; // 0 marks an empty slot
    }

    private static int Slot(ReadOnlySpan<ushort> key) => MemoSlot.Of(MemoryMarshal.AsBytes(key), Slots);
}
