using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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

    /// <summary>Messages up to this many bytes are hashed from a stack buffer (the key schedule's are under 400).</summary>
    private const int MaxStackInput = 512;

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
        var blockLength = keyed.BlockLength;
        Span<byte> shortKey = stackalloc byte[MaxHashLength];
        scoped var k = key;
        if (key.Length > blockLength)
        {
            var initial = Initial(keyed._wide);
            Hash(keyed._wide, ref initial, key, 0, shortKey); // RFC 2104 §2: a key longer than the block is hashed first
            k = shortKey[..(keyed._wide ? 48 : 32)];
        }

        Span<byte> pad = stackalloc byte[Sha2Block.Sha512BlockLength];
        keyed._inner = Initial(keyed._wide);
        keyed._outer = keyed._inner;
        Pad(pad[..blockLength], k, 0x36);
        keyed.Compress(ref keyed._inner, pad[..blockLength]);
        Pad(pad[..blockLength], k, 0x5c);
        keyed.Compress(ref keyed._outer, pad[..blockLength]);
        pad.Clear();
        shortKey.Clear();
        return keyed;
    }

    private readonly int BlockLength => _wide ? Sha2Block.Sha512BlockLength : Sha2Block.Sha256BlockLength;

    /// <summary>HMAC(key, <paramref name="first"/> + <paramref name="second"/>); <paramref name="mac"/> may overlap <paramref name="first"/>.</summary>
    public readonly void Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> mac)
    {
        var length = first.Length + second.Length;
        Span<byte> input = length <= MaxStackInput ? stackalloc byte[MaxStackInput] : new byte[length];
        first.CopyTo(input);
        second.CopyTo(input[first.Length..]);
        Span<byte> inner = stackalloc byte[MaxHashLength];
        var state = _inner;
        Hash(_wide, ref state, input[..length], BlockLength, inner);
        state = _outer;
        Hash(_wide, ref state, inner[..(_wide ? 48 : 32)], BlockLength, mac);
        inner.Clear();
    }

    /// <summary>Forgets the key (its pad states are key material).</summary>
    public void Clear()
    {
        ((Span<ulong>)_inner).Clear();
        ((Span<ulong>)_outer).Clear();
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
            for (var i = 0; i < 8; i++)
            {
                words[i] = Sha2Block.Sha256Initial[i];
            }
        }

        return words;
    }

    private static void Pad(Span<byte> block, ReadOnlySpan<byte> key, byte pad)
    {
        block.Fill(pad);
        for (var i = 0; i < key.Length; i++)
        {
            block[i] ^= key[i];
        }
    }

    private readonly void Compress(ref Words state, ReadOnlySpan<byte> block) => Compress(_wide, ref state, block);

    private static void Compress(bool wide, ref Words state, ReadOnlySpan<byte> block)
    {
        if (wide)
        {
            Sha2Block.Sha512(state, block);
            return;
        }

        // SHA-256 keeps its eight 32-bit words in the low halves.
        Span<uint> words = stackalloc uint[8];
        for (var i = 0; i < 8; i++)
        {
            words[i] = (uint)state[i];
        }

        Sha2Block.Sha256(words, block);
        for (var i = 0; i < 8; i++)
        {
            state[i] = words[i];
        }
    }

    /// <summary>
    /// Continues the hash in <paramref name="state"/> (after <paramref name="before"/> bytes already compressed) over
    /// <paramref name="input"/>, with FIPS 180-4 §5.1 padding, and writes the digest.
    /// </summary>
    private static void Hash(bool wide, ref Words state, ReadOnlySpan<byte> input, int before, Span<byte> digest)
    {
        var blockLength = wide ? Sha2Block.Sha512BlockLength : Sha2Block.Sha256BlockLength;
        var lengthField = wide ? 16 : 8;
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

        for (var i = 0; i < (wide ? 6 : 8); i++)
        {
            if (wide)
            {
                BinaryPrimitives.WriteUInt64BigEndian(digest[(8 * i)..], state[i]);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], (uint)state[i]);
            }
        }

        tail.Clear();
    }

    /// <summary>Eight hash words: SHA-512/384's, or SHA-256's in the low halves.</summary>
    [InlineArray(8)]
    private struct Words
    {
        private ulong _word;
    }
}
