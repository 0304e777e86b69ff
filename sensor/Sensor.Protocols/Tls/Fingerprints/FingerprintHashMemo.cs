using Sensor.Core.Hashing;

namespace Sensor.Protocols.Tls.Fingerprints;

/// <summary>
/// Remembers the hex digests of recent JA4 hash inputs: the sorted cipher list and the sorted extension list (truncated
/// SHA-256). A network has few client stacks, so the same inputs come back with nearly every handshake, and the hashes
/// were most of the fingerprints' cost. Direct-mapped on a cheap hash of the input, and a hit compares the whole input,
/// so the answer is always the input's own digest. All storage is allocated once per thread and memo: a miss copies into
/// a fixed slot and allocates nothing. Sensor.Sessions' HelloFingerprintMemo answers a hello whose fields repeat exactly
/// before any of this runs; these digests serve the hellos it misses with the same sorted lists (Chrome permutes its
/// extension order per connection) and QUIC. (JA3's MD5 is not kept: a JA3 text that reaches the hash is one that memo
/// has not seen.)
/// </summary>
internal sealed class FingerprintHashMemo
{
    /// <summary>Slots per thread: a few hundred distinct client stacks (browsers, SDKs, CLIs) before they evict each other.</summary>
    public const int Slots = 256;

    /// <summary>Longest input kept: a real JA4 extension list is ~200 bytes; longer (odd or hostile) inputs are hashed every time.</summary>
    public const int MaxInputBytes = 512;

    [ThreadStatic]
    private static FingerprintHashMemo? t_ja4;

    [ThreadStatic]
    private static FingerprintHashMemo? t_ja4Ciphers;

    /// <summary>A JA4 hash part: the first 12 hex characters of a SHA-256.</summary>
    private const int DigestChars = 12;

    private readonly byte[] _inputs = new byte[Slots * MaxInputBytes];
    private readonly int[] _lengths = new int[Slots];
    private readonly char[] _digests = new char[Slots * DigestChars];

    private FingerprintHashMemo()
    {
    }

    /// <summary>JA4's truncated SHA-256 (12 hex characters), this thread's.</summary>
    public static FingerprintHashMemo Ja4 => t_ja4 ??= new FingerprintHashMemo();

    /// <summary>
    /// JA4's cipher part (12 hex characters) keyed by the cipher list as offered, GREASE removed, before sorting: a client
    /// stack offers its suites in a fixed order, so a hit skips the sort and the text as well as the hash. Its own memo,
    /// so these binary keys never meet the text keys of <see cref="Ja4"/>.
    /// </summary>
    public static FingerprintHashMemo Ja4Ciphers => t_ja4Ciphers ??= new FingerprintHashMemo();

    /// <summary>Writes the hex digest of <paramref name="input"/> from memory when it was seen before; else returns false.</summary>
    public bool TryGet(ReadOnlySpan<byte> input, Span<char> destination)
    {
        if (input.Length > MaxInputBytes)
        {
            return false;
        }

        var slot = Slot(input);
        if (_lengths[slot] != input.Length + 1 || !input.SequenceEqual(_inputs.AsSpan(slot * MaxInputBytes, input.Length)))
        {
            return false;
        }

        _digests.AsSpan(slot * DigestChars, DigestChars).CopyTo(destination);
        return true;
    }

    public void Remember(ReadOnlySpan<byte> input, ReadOnlySpan<char> digest)
    {
        if (input.Length > MaxInputBytes)
        {
            return;
        }

        var slot = Slot(input);
        input.CopyTo(_inputs.AsSpan(slot * MaxInputBytes));
        digest[..DigestChars].CopyTo(_digests.AsSpan(slot * DigestChars));
        _lengths[slot] = input.Length + 1; // 0 marks an empty slot, so an empty input is stored as 1
    }

    private static int Slot(ReadOnlySpan<byte> input) => MemoSlot.Of(input, Slots);
}
