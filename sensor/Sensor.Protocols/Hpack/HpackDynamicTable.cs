namespace Sensor.Protocols.Hpack;

/// <summary>
/// The HPACK dynamic table (RFC 7541 §2.3.2, §4): newest entry is index 1. Entry bytes live in one buffer, appended at
/// the end and dropped from the front; when the end is reached the live bytes move back to offset 0. The buffer grows
/// (doubling) with the entries actually inserted, up to twice the table size, so a move happens at most once per table
/// size of insertions (amortised O(1)) and nothing is allocated per entry once it has grown. Growing on use matters
/// because most connections index a few hundred bytes of a 4 KiB table (and many none), and two tables are made per
/// HTTP/2 connection; the cap stays <see cref="HpackLimits.MaxTableSize"/>.
/// </summary>
public sealed class HpackDynamicTable
{
    /// <summary>First size of the entry buffer once an entry is inserted: a few typical request fields.</summary>
    private const int InitialBytes = 256;

    /// <summary>First size of the entry ring once an entry is inserted.</summary>
    private const int InitialRing = 8;

    private byte[] _bytes = [];
    private Entry[] _ring = [];
    private int _first;
    private int _start;
    private int _end;

    public HpackDynamicTable(int maxSize = HpackLimits.DefaultTableSize)
    {
        MaxSize = Math.Clamp(maxSize, 0, HpackLimits.MaxTableSize);
    }

    /// <summary>Entries in the table.</summary>
    public int Count { get; private set; }

    /// <summary>Current size in RFC 7541 §4.1 accounting (name + value + 32 per entry).</summary>
    public int Size { get; private set; }

    /// <summary>Current maximum size, as last set by a dynamic table size update.</summary>
    public int MaxSize { get; private set; }

    /// <summary>Name of entry <paramref name="index"/> (1 = newest, up to <see cref="Count"/>).</summary>
    public ReadOnlySpan<byte> Name(int index)
    {
        var e = At(index);
        return _bytes.AsSpan(e.Offset, e.NameLength);
    }

    public ReadOnlySpan<byte> Value(int index)
    {
        var e = At(index);
        return _bytes.AsSpan(e.Offset + e.NameLength, e.ValueLength);
    }

    /// <summary>
    /// Inserts an entry, evicting the oldest first (RFC 7541 §4.4); an entry larger than the table empties it.
    /// <paramref name="name"/> must not point into this table (the decoder copies such names first).
    /// </summary>
    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var size = name.Length + value.Length + HpackLimits.EntryOverhead;
        if (size > MaxSize)
        {
            Clear();
            return;
        }

        while (Size + size > MaxSize)
        {
            EvictOldest();
        }

        var length = name.Length + value.Length;
        if (_end + length > _bytes.Length)
        {
            // Live bytes plus this entry never exceed MaxSize (evicted above), so twice that always has room.
            var needed = _end - _start + length;
            var full = 2 * MaxSize;
            var target = _bytes.Length >= Math.Min(full, 2 * needed) ? _bytes
                : new byte[Math.Min(full, Math.Max(InitialBytes, Math.Max(2 * _bytes.Length, 2 * needed)))];
            Compact(target);
        }

        if (Count == _ring.Length)
        {
            GrowRing();
        }

        name.CopyTo(_bytes.AsSpan(_end));
        value.CopyTo(_bytes.AsSpan(_end + name.Length));
        if (Count == 0)
        {
            _start = _end;
        }

        _ring[(_first + Count) % _ring.Length] = new Entry(_end, name.Length, value.Length);
        _end += length;
        Count++;
        Size += size;
    }

    /// <summary>Applies a new maximum size (a dynamic table size update, already checked against the allowed bound).</summary>
    public void SetMaxSize(int maxSize)
    {
        maxSize = Math.Clamp(maxSize, 0, HpackLimits.MaxTableSize);
        while (Size > maxSize)
        {
            EvictOldest();
        }

        MaxSize = maxSize; // buffers grow in Add, as entries come
    }

    /// <summary>Entries a table of <paramref name="maxSize"/> can hold: each costs at least the 32-octet overhead.</summary>
    private static int RingLength(int maxSize) => (maxSize / HpackLimits.EntryOverhead) + 1;

    private void GrowRing()
    {
        var ring = new Entry[Math.Min(RingLength(MaxSize), Math.Max(InitialRing, 2 * _ring.Length))];
        for (var i = 0; i < Count; i++)
        {
            ring[i] = _ring[(_first + i) % _ring.Length];
        }

        _ring = ring;
        _first = 0;
    }

    private Entry At(int index) => _ring[(_first + Count - index) % _ring.Length];

    private void Clear()
    {
        Count = 0;
        Size = 0;
        _first = 0;
        _start = 0;
        _end = 0;
    }

    private void EvictOldest()
    {
        var e = _ring[_first];
        Size -= e.NameLength + e.ValueLength + HpackLimits.EntryOverhead;
        _first = (_first + 1) % _ring.Length;
        Count--;
        if (Count == 0)
        {
            Clear();
        }
        else
        {
            _start = _ring[_first].Offset;
        }
    }

    /// <summary>Moves the live bytes to offset 0 of <paramref name="target"/> (this buffer or a larger one).</summary>
    private void Compact(byte[] target)
    {
        var live = _end - _start;
        _bytes.AsSpan(_start, live).CopyTo(target);
        for (var i = 0; i < Count; i++)
        {
            ref var e = ref _ring[(_first + i) % _ring.Length];
            e = e with { Offset = e.Offset - _start };
        }

        _bytes = target;
        _start = 0;
        _end = live;
    }

    private readonly record struct Entry(int Offset, int NameLength, int ValueLength);
}
