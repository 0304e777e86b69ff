using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Sensor.Core.Hashing;

/// <summary>
/// HMAC-SHA256 and HMAC-SHA384 (RFC 2104) over short messages, in managed code: the TLS key schedule's inputs are a
/// secret and a few dozen bytes, and a finding's fingerprint is a key and a short value; OpenSSL's per-call set-up
/// (through HKDF.Expand, IncrementalHash or HMACSHA256.HashData) was most of that work. Same reason as
/// <see cref="ShortSha256"/>. A keyed instance keeps the hash states after the key's inner and outer pad blocks (RFC 2104
/// §4), so each further MAC under the same key (a traffic secret's key and IV, the PRF's blocks) costs two compressions
/// fewer. Tests compare it with the BCL's HMACs.
/// </summary>
public struct ShortHmac
{
    public const int MaxHashLength = 48;

    private Words _inner;
    private Words _outer;
    private bool _wide;

    public static bool Supports(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA256 || hash == HashAlgorithmName.SHA384;

    public static int HashLength(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA384 ? 48 : 32;

    /// <summary>HMAC(<paramref name="key"/>, <paramref name="first"/> + <paramref name="second"/>) into the first hash-length bytes of <paramref name="mac"/>.</summary>
    public static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> mac)
    {
        var keyed = Create(hash, key);
        keyed.Compute(first, second, mac);
        keyed.Clear();
    }

    /// <summary>The keyed state for <paramref name="key"/> (SHA-256 or SHA-384).</summary>
    public static ShortHmac Create(HashAlgorithmName hash, ReadOnlySpan<byte> key)
    {
        if (!Supports(hash))
        {
            throw new ArgumentException("SHA-256 or SHA-384 only", nameof(hash));
        }

        var keyed = new ShortHmac { _wide = hash == HashAlgorithmName.SHA384 };
        if (key.Length > keyed.BlockLength)
        {
            keyed.KeyPads(HashedKey(keyed._wide, key)); // RFC 2104 §2: a key longer than the block is hashed first
        }
        else
        {
            keyed.KeyPads(key);
        }

        return keyed;
    }

    private readonly int BlockLength => _wide ? Sha2Block.Sha512BlockLength : Sha2Block.Sha256BlockLength;

    private readonly int DigestLength => _wide ? 48 : 32;

    /// <summary>HMAC(key, <paramref name="first"/> + <paramref name="second"/>); <paramref name="mac"/> may overlap <paramref name="first"/>.</summary>
    public readonly void Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> mac)
    {
        var blockLength = BlockLength;
        var length = first.Length + second.Length;
        if (length + 1 + LengthField(_wide) > 2 * blockLength)
        {
            ComputeLong(first, second, mac);
            return;
        }

        // The key schedule's messages (a previous block, a label, a counter): message and padding in at most two blocks
        // of one buffer, then the outer hash's single block in the same buffer; no copy into a message-sized buffer.
        Span<byte> buffer = stackalloc byte[2 * Sha2Block.Sha512BlockLength];
        first.CopyTo(buffer);
        second.CopyTo(buffer[first.Length..]);
        var state = _inner;
        var blocks = Finish(_wide, ref state, buffer, length, blockLength);
        state.Digest(_wide, buffer);
        var digestLength = DigestLength;
        state = _outer;
        Finish(_wide, ref state, buffer, digestLength, blockLength);
        state.Digest(_wide, mac);
        buffer[..(blocks * blockLength)].Clear(); // the inner digest is key material
    }

    /// <summary>
    /// HMAC(key, <paramref name="message"/>) into <paramref name="mac"/> and HMAC(key, <paramref name="otherMessage"/>)
    /// into <paramref name="otherMac"/> (neither MAC may overlap a message). With SHA-384 and messages of one block each
    /// (a traffic secret's "key" and "iv" labels) the two inner, then the two outer, hashes run as two-lane compressions:
    /// two compressions' time instead of four.
    /// </summary>
    public readonly void ComputePair(ReadOnlySpan<byte> message, Span<byte> mac, ReadOnlySpan<byte> otherMessage, Span<byte> otherMac)
    {
        const int blockLength = Sha2Block.Sha512BlockLength;
        if (!_wide || message.Length + 1 + LengthField(true) > blockLength || otherMessage.Length + 1 + LengthField(true) > blockLength)
        {
            Compute(message, default, mac);
            Compute(otherMessage, default, otherMac);
            return;
        }

        Span<byte> buffer = stackalloc byte[blockLength];
        Span<byte> other = stackalloc byte[blockLength];
        message.CopyTo(buffer);
        otherMessage.CopyTo(other);
        Pad(buffer, message.Length);
        Pad(other, otherMessage.Length);
        var state = _inner;
        var otherState = _inner;
        Sha2Block.Sha512Pair(state, buffer, otherState, other);
        state.Digest(true, buffer);
        otherState.Digest(true, other);
        Pad(buffer, 48);
        Pad(other, 48);
        state = _outer;
        otherState = _outer;
        Sha2Block.Sha512Pair(state, buffer, otherState, other);
        state.Digest(true, mac);
        otherState.Digest(true, otherMac);
        buffer.Clear(); // the inner digests are key material
        other.Clear();

        // FIPS 180-4 §5.1.2 for a one-block message after the key's pad block.
        static void Pad(Span<byte> block, int length)
        {
            block[length] = 0x80;
            block[(length + 1)..(blockLength - 8)].Clear();
            BinaryPrimitives.WriteUInt64BigEndian(block[(blockLength - 8)..], (ulong)(blockLength + length) * 8);
        }
    }

    /// <summary>Forgets the key (its pad states are key material).</summary>
    public void Clear()
    {
        ((Span<ulong>)_inner).Clear();
        ((Span<ulong>)_outer).Clear();
    }

    private static int LengthField(bool wide) => wide ? 16 : 8;

    /// <summary>The inner and outer states after the key's pad blocks (RFC 2104 §2 steps 1-2 and 5).</summary>
    private void KeyPads(ReadOnlySpan<byte> key)
    {
        var blockLength = BlockLength;
        Span<byte> pad = stackalloc byte[Sha2Block.Sha512BlockLength];
        key.CopyTo(pad);
        var ipad = pad[..blockLength];
        _inner = Initial(_wide);
        _outer = Initial(_wide);
        if (_wide)
        {
            // The two pad blocks are independent: one two-lane compression for both.
            Span<byte> opad = stackalloc byte[Sha2Block.Sha512BlockLength];
            key.CopyTo(opad);
            Xor(ipad, 0x36);
            Xor(opad, 0x5c);
            Sha2Block.Sha512Pair(_inner, ipad, _outer, opad);
            opad.Clear();
            pad.Clear();
            return;
        }

        Xor(ipad, 0x36);
        Compress(_wide, ref _inner, ipad);
        Xor(ipad, 0x36 ^ 0x5c);
        Compress(_wide, ref _outer, ipad);
        pad.Clear();
    }

    /// <summary>H(<paramref name="key"/>) into a buffer the caller only reads while the key pads are made.</summary>
    private static ReadOnlySpan<byte> HashedKey(bool wide, ReadOnlySpan<byte> key)
    {
        var digest = new byte[MaxHashLength];
        var state = Initial(wide);
        Hash(wide, ref state, key, 0, digest);
        return digest.AsSpan(0, wide ? 48 : 32);
    }

    private static void Xor(Span<byte> block, byte value)
    {
        var pattern = Vector128.Create(value);
        ref var start = ref MemoryMarshal.GetReference(block);
        for (nuint i = 0; i < (nuint)block.Length; i += (nuint)Vector128<byte>.Count)
        {
            (Vector128.LoadUnsafe(ref start, i) ^ pattern).StoreUnsafe(ref start, i);
        }
    }

    private static Words Initial(bool wide)
    {
        var words = default(Words);
        if (wide)
        {
            Sha2Block.Sha384Initial.CopyTo(words);
        }
        else
        {
            Sha2Block.Sha256Initial.CopyTo(Words.Narrow(ref words));
        }

        return words;
    }

    private static void Compress(bool wide, ref Words state, ReadOnlySpan<byte> block)
    {
        if (wide)
        {
            Sha2Block.Sha512(state, block);
        }
        else
        {
            Sha2Block.Sha256(Words.Narrow(ref state), block);
        }
    }

    /// <summary>
    /// Pads the <paramref name="length"/> message bytes at the start of <paramref name="buffer"/> (FIPS 180-4 §5.1; the
    /// length counts one key block hashed before them) and compresses the one or two blocks; returns how many.
    /// </summary>
    private static int Finish(bool wide, ref Words state, Span<byte> buffer, int length, int blockLength)
    {
        var blocks = length + 1 + LengthField(wide) <= blockLength ? 1 : 2;
        var end = blocks * blockLength;
        buffer[length] = 0x80;
        buffer[(length + 1)..(end - 8)].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(buffer[(end - 8)..], (ulong)(blockLength + length) * 8);
        Compress(wide, ref state, buffer[..blockLength]);
        if (blocks == 2)
        {
            Compress(wide, ref state, buffer[blockLength..end]);
        }

        return blocks;
    }

    /// <summary>A message too long for <see cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>'s buffer.</summary>
    private readonly void ComputeLong(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> mac)
    {
        var length = first.Length + second.Length;
        var input = new byte[length];
        first.CopyTo(input);
        second.CopyTo(input.AsSpan(first.Length));
        Span<byte> inner = stackalloc byte[MaxHashLength];
        var state = _inner;
        Hash(_wide, ref state, input, BlockLength, inner);
        state = _outer;
        Hash(_wide, ref state, inner[..DigestLength], BlockLength, mac);
        inner.Clear();
    }

    /// <summary>
    /// Continues the hash in <paramref name="state"/> (after <paramref name="before"/> bytes already compressed) over
    /// <paramref name="input"/>, with FIPS 180-4 §5.1 padding, and writes the digest.
    /// </summary>
    private static void Hash(bool wide, ref Words state, ReadOnlySpan<byte> input, int before, Span<byte> digest)
    {
        var blockLength = wide ? Sha2Block.Sha512BlockLength : Sha2Block.Sha256BlockLength;
        var lengthField = LengthField(wide);
        var full = input.Length - (input.Length % blockLength);
        for (var offset = 0; offset < full; offset += blockLength)
        {
            Compress(wide, ref state, input.Slice(offset, blockLength));
        }

        Span<byte> tail = stackalloc byte[2 * Sha2Block.Sha512BlockLength];
        tail.Clear();
        var rest = input[full..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 1 + lengthField <= blockLength ? blockLength : 2 * blockLength;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - 8)..], (ulong)(before + input.Length) * 8);
        for (var offset = 0; offset < tailLength; offset += blockLength)
        {
            Compress(wide, ref state, tail.Slice(offset, blockLength));
        }

        state.Digest(wide, digest);
        tail.Clear();
    }

    /// <summary>Eight hash words: SHA-512/384's, or SHA-256's eight 32-bit words in the first half.</summary>
    [InlineArray(8)]
    private struct Words
    {
        private ulong _word;

        /// <summary>SHA-256's view.</summary>
        public static Span<uint> Narrow(ref Words words) => MemoryMarshal.Cast<ulong, uint>((Span<ulong>)words)[..8];

        /// <summary>Writes the digest: SHA-384's first six words, or SHA-256's eight (big-endian, FIPS 180-4 §6.2.2 step 4).</summary>
        public void Digest(bool wide, Span<byte> digest)
        {
            if (wide)
            {
                for (var i = 0; i < 6; i++)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(digest[(8 * i)..], this[i]);
                }

                return;
            }

            var narrow = MemoryMarshal.Cast<ulong, uint>((Span<ulong>)this);
            for (var i = 0; i < 8; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], narrow[i]);
            }
        }
    }
}
