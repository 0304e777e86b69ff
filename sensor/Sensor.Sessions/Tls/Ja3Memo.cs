using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Sensor.Protocols.Tls;

namespace Sensor.Sessions.Tls;

/// <summary>
/// Remembers recent JA3 (or JA3S) results, the hash and the text as the strings the <c>tls</c> event carries, keyed by
/// the GREASE-free values the text is written from. A client stack sends the same hello fields connection after
/// connection, so a hit skips the decimal text, the MD5 and both string allocations. Keys are public hello fields.
/// Direct-mapped, and a hit compares the whole key, so a result is always its own hello's. All key storage is
/// allocated once per thread and memo; a slot holds one pair of strings, so the memo is bounded.
/// (Chrome permutes its extension order per connection, so its hellos mostly miss and cost the key building only.)
/// </summary>
internal sealed class Ja3Memo
{
    /// <summary>Slots per thread: a few hundred distinct client stacks before they evict each other (as FingerprintHashMemo).</summary>
    public const int Slots = 256;

    /// <summary>
    /// Longest key kept, in 16-bit values: a browser hello gives ~50 (16 ciphers, 18 extensions, 5 groups, 1-3 point
    /// formats and the section counts); longer (odd or hostile) hellos are written out every time.
    /// </summary>
    public const int MaxKeyValues = 256;

    [ThreadStatic]
    private static Ja3Memo? t_client;

    [ThreadStatic]
    private static Ja3Memo? t_server;

    private readonly ushort[] _keys = new ushort[Slots * MaxKeyValues];
    private readonly int[] _lengths = new int[Slots];
    private readonly string[] _hashes = new string[Slots];
    private readonly string[] _texts = new string[Slots];

    /// <summary>JA3 of ClientHellos, this thread's.</summary>
    public static Ja3Memo Client => t_client ??= new Ja3Memo();

    /// <summary>JA3S of ServerHellos, this thread's (own memo: its keys have another layout).</summary>
    public static Ja3Memo Server => t_server ??= new Ja3Memo();

    /// <summary>
    /// The values a ClientHello's JA3 text is written from (Ja3.WriteClient): version, then ciphers, extension types,
    /// groups and point formats, each section led by its count so that values cannot move between sections unseen.
    /// Returns the key length, or -1 when it is longer than <paramref name="key"/>.
    /// </summary>
    public static int ClientKey(ReadOnlySpan<byte> body, in ClientHelloInfo info, Span<ushort> key)
    {
        var n = 0;
        if (!Put(key, ref n, info.LegacyVersion)
            || !PutPairs(key, ref n, body[info.CipherSuites])
            || !PutExtensionTypes(key, ref n, body[info.Extensions])
            || !PutPairs(key, ref n, body[info.SupportedGroups]))
        {
            return -1;
        }

        var formats = body[info.PointFormats];
        var countAt = n;
        if (!Put(key, ref n, 0))
        {
            return -1;
        }

        foreach (var format in formats)
        {
            if (!Put(key, ref n, format))
            {
                return -1;
            }
        }

        key[countAt] = (ushort)(n - countAt - 1);
        return n;
    }

    /// <summary>The values a ServerHello's JA3S text is written from: version, cipher, extension types. -1 when too long.</summary>
    public static int ServerKey(ReadOnlySpan<byte> body, in ServerHelloInfo info, Span<ushort> key)
    {
        var n = 0;
        return Put(key, ref n, info.LegacyVersion) && Put(key, ref n, info.CipherSuite) && PutExtensionTypes(key, ref n, body[info.Extensions]) ? n : -1;
    }

    public bool TryGet(ReadOnlySpan<ushort> key, out string? hash, out string? text)
    {
        var slot = Slot(key);
        if (_lengths[slot] == key.Length + 1 && key.SequenceEqual(_keys.AsSpan(slot * MaxKeyValues, key.Length)))
        {
            hash = _hashes[slot];
            text = _texts[slot];
            return true;
        }

        hash = text = null;
        return false;
    }

    public void Remember(ReadOnlySpan<ushort> key, string hash, string text)
    {
        if (key.Length > MaxKeyValues)
        {
            return;
        }

        var slot = Slot(key);
        key.CopyTo(_keys.AsSpan(slot * MaxKeyValues));
        _hashes[slot] = hash;
        _texts[slot] = text;
        _lengths[slot] = key.Length + 1; // 0 marks an empty slot
    }

    private static bool Put(Span<ushort> key, ref int n, ushort value)
    {
        if (n >= key.Length)
        {
            return false;
        }

        key[n++] = value;
        return true;
    }

    /// <summary>2-byte values without GREASE, as Ja3.AppendPairs reads them (an odd last byte is ignored there too).</summary>
    private static bool PutPairs(Span<ushort> key, ref int n, ReadOnlySpan<byte> pairs)
    {
        var countAt = n;
        if (!Put(key, ref n, 0))
        {
            return false;
        }

        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            var v = BinaryPrimitives.ReadUInt16BigEndian(pairs[i..]);
            if (!TlsConstants.IsGrease(v) && !Put(key, ref n, v))
            {
                return false;
            }
        }

        key[countAt] = (ushort)(n - countAt - 1);
        return true;
    }

    /// <summary>Extension types without GREASE, walked as Ja3.AppendExtensionTypes walks them.</summary>
    private static bool PutExtensionTypes(Span<ushort> key, ref int n, ReadOnlySpan<byte> block)
    {
        var countAt = n;
        if (!Put(key, ref n, 0))
        {
            return false;
        }

        for (var at = 0; at + 4 <= block.Length;)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(block[at..]);
            at += 4 + BinaryPrimitives.ReadUInt16BigEndian(block[(at + 2)..]);
            if (!TlsConstants.IsGrease(type) && !Put(key, ref n, type))
            {
                return false;
            }
        }

        key[countAt] = (ushort)(n - countAt - 1);
        return true;
    }

    private static int Slot(ReadOnlySpan<ushort> key)
    {
        // FNV-1a over 8-byte words: for spreading slots, not for security (a hit is confirmed value for value).
        var bytes = MemoryMarshal.AsBytes(key);
        var hash = 14695981039346656037UL;
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (var word in words)
        {
            hash = (hash ^ word) * 1099511628211UL;
        }

        foreach (var b in bytes[(words.Length * sizeof(ulong))..])
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        hash ^= (ulong)key.Length;
        return (int)((hash ^ (hash >> 29)) % Slots);
    }
}
