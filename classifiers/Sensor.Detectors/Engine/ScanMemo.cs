using System.Buffers.Binary;
using Sensor.Detectors.Rules;

namespace Sensor.Detectors.Engine;

/// <summary>
/// The engine's reports for recently scanned short items (header values, URLs), replayed when the same bytes come again
/// on the same connection: a client sends the same Authorization, Cookie and User-Agent on every request of a
/// connection, and validating a JWT or an API key in one costs microseconds each time. Never across connections: the
/// key holds credentials, and an answer shared between connections by their bytes would let one replayed session
/// (the benchmark capture repeats the same ones) skip the work real traffic pays. Exact: the key is the flow, the item's
/// bytes, compared in full, and its JSON flag, and a scan is a function of the bytes and flag alone (the pack is
/// immutable), so a replay reports the same rules, values, counts, order and cap flag. Direct-mapped: a new item takes over its slot. One per worker (not thread-safe). The
/// remembered values are credentials in memory only, like the exchange they came from; nothing here is written anywhere.
/// </summary>
internal sealed class ScanMemo
{
    /// <summary>
    /// Slots per worker: a client has a few dozen distinct header values and a worker serves many clients at once (the
    /// shared captures have ~700 distinct values in all); keys and values are sized to the item, so ~100 KiB in practice,
    /// at most 512 x (<see cref="MaxItemBytes"/> + 2 x <see cref="MaxItemBytes"/>) = 768 KiB.
    /// </summary>
    public const int Slots = 512;

    private const int SlotBits = 9;

    /// <summary>Items up to this length are remembered: an Authorization header with a JWT is ~400 bytes in the shared captures; longer ones (big cookies) are scanned each time.</summary>
    public const int MaxItemBytes = 512;

    private readonly Entry?[] _slots = new Entry?[Slots];
    private Entry? _recording;

    /// <summary>Items answered from a slot (diagnostics and tests).</summary>
    public long Replays { get; private set; }

    /// <summary>Reports the remembered matches of <paramref name="data"/> to <paramref name="receiver"/>; false when it is not remembered (then scan and record it).</summary>
    public bool TryReplay(long flow, ReadOnlySpan<byte> data, bool json, IMatchReceiver receiver, out bool capped)
    {
        capped = false;
        var entry = _slots[Slot(flow, data, json)];
        if (entry is null || !entry.Valid || entry.Flow != flow || entry.Json != json || !data.SequenceEqual(entry.Key.AsSpan(0, entry.KeyLength)))
        {
            return false;
        }

        Replays++;
        capped = entry.Capped;
        foreach (var (rule, start, length, count) in entry.Matches)
        {
            receiver.OnMatch(rule, entry.Values.AsSpan(start, length), count);
        }

        return true;
    }

    /// <summary>Starts remembering a scan of <paramref name="data"/> (its slot is invalid until <see cref="EndRecord"/>).</summary>
    public void BeginRecord(long flow, ReadOnlySpan<byte> data, bool json)
    {
        var slot = Slot(flow, data, json);
        var entry = _slots[slot] ??= new Entry();
        entry.Valid = false;
        if (entry.Key.Length < data.Length)
        {
            entry.Key = new byte[Math.Max(data.Length, Math.Min(MaxItemBytes, entry.Key.Length * 2))];
        }

        data.CopyTo(entry.Key);
        entry.KeyLength = data.Length;
        entry.Flow = flow;
        entry.Json = json;
        entry.Matches.Clear();
        entry.ValuesLength = 0;
        _recording = entry;
    }

    /// <summary>One report of the scan being remembered, in the order the engine made it.</summary>
    public void Record(DetectorRule rule, ReadOnlySpan<char> value, int count)
    {
        if (_recording is not { } entry)
        {
            return;
        }

        if (entry.ValuesLength + value.Length > entry.Values.Length)
        {
            Array.Resize(ref entry.Values, Math.Max(entry.ValuesLength + value.Length, Math.Max(32, entry.Values.Length * 2)));
        }

        value.CopyTo(entry.Values.AsSpan(entry.ValuesLength));
        entry.Matches.Add((rule, entry.ValuesLength, value.Length, count));
        entry.ValuesLength += value.Length;
    }

    /// <summary>The scan being remembered is complete: its slot answers from now on.</summary>
    public void EndRecord(bool capped)
    {
        if (_recording is { } entry)
        {
            entry.Capped = capped;
            entry.Valid = true;
            _recording = null;
        }
    }

    /// <summary>Flow, length, JSON flag and three 8-byte words (start, middle, end): values that repeat differ there too, and it costs the same for every length. The flow spreads connections sending the same value over different slots.</summary>
    private static int Slot(long flow, ReadOnlySpan<byte> data, bool json)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15;
        var hash = ((((ulong)flow * Multiplier) ^ (ulong)data.Length) << 1) | (json ? 1UL : 0);
        if (data.Length >= sizeof(ulong))
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(data)) * Multiplier;
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(data[((data.Length - sizeof(ulong)) / 2)..])) * Multiplier;
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(data[^sizeof(ulong)..])) * Multiplier;
        }
        else
        {
            foreach (var b in data)
            {
                hash = (hash ^ b) * Multiplier;
            }

            hash *= Multiplier;
        }

        return (int)(hash >> (64 - SlotBits));
    }

    private sealed class Entry
    {
        public byte[] Key = [];
        public int KeyLength;
        public long Flow;
        public bool Json;
        public bool Capped;
        public bool Valid;
        public char[] Values = [];
        public int ValuesLength;
        public readonly List<(DetectorRule Rule, int Start, int Length, int Count)> Matches = [];
    }
}
