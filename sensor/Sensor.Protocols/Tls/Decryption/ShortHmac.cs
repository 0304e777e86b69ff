using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// HMAC-SHA256 and HMAC-SHA384 (RFC 2104) over short messages, in managed code: the key schedule's inputs are a secret
/// and a few dozen bytes, and OpenSSL's per-call set-up (through HKDF.Expand and IncrementalHash) was most of a
/// handshake's key derivation. Same reason as Sensor.Core.Hashing.ShortSha256. Tests compare it with the BCL's HMACs.
/// </summary>
public static class ShortHmac
{
    public const int MaxHashLength = 48;

    /// <summary>Messages up to this many bytes are hashed from a stack buffer (the key schedule's are under 400).</summary>
    private const int MaxStackInput = 1024;

    public static bool Supports(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA256 || hash == HashAlgorithmName.SHA384;

    public static int HashLength(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA384 ? 48 : 32;

    /// <summary>HMAC(<paramref name="key"/>, <paramref name="first"/> + <paramref name="second"/>) into the first hash-length bytes of <paramref name="mac"/>.</summary>
    public static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> mac)
    {
        if (!Supports(hash))
        {
            throw new ArgumentException("SHA-256 or SHA-384 only", nameof(hash));
        }

        var wide = hash == HashAlgorithmName.SHA384;
        var blockLength = wide ? Sha2Block.Sha512BlockLength : Sha2Block.Sha256BlockLength;
        var hashLength = HashLength(hash);
        Span<byte> shortKey = stackalloc byte[MaxHashLength];
        scoped var k = key;
        if (key.Length > blockLength)
        {
            Hash(wide, key, shortKey); // RFC 2104 §2: a key longer than the block is hashed first
            k = shortKey[..hashLength];
        }

        var innerLength = blockLength + first.Length + second.Length;
        Span<byte> input = innerLength <= MaxStackInput ? stackalloc byte[MaxStackInput] : new byte[innerLength];
        Pad(input[..blockLength], k, 0x36);
        first.CopyTo(input[blockLength..]);
        second.CopyTo(input[(blockLength + first.Length)..]);
        Span<byte> inner = stackalloc byte[MaxHashLength];
        Hash(wide, input[..innerLength], inner);

        Pad(input[..blockLength], k, 0x5c);
        inner[..hashLength].CopyTo(input[blockLength..]);
        Hash(wide, input[..(blockLength + hashLength)], mac);
        input.Clear(); // key material
        shortKey.Clear();
    }

    private static void Pad(Span<byte> block, ReadOnlySpan<byte> key, byte pad)
    {
        block.Fill(pad);
        for (var i = 0; i < key.Length; i++)
        {
            block[i] ^= key[i];
        }
    }

    /// <summary>SHA-256 or SHA-384 of <paramref name="input"/> (FIPS 180-4 §5.1 padding), the digest into <paramref name="digest"/>.</summary>
    private static void Hash(bool wide, ReadOnlySpan<byte> input, Span<byte> digest)
    {
        var blockLength = wide ? Sha2Block.Sha512BlockLength : Sha2Block.Sha256BlockLength;
        var lengthField = wide ? 16 : 8;
        Span<uint> state32 = stackalloc uint[8];
        Span<ulong> state64 = stackalloc ulong[8];
        Sha2Block.Sha256Initial.CopyTo(state32);
        Sha2Block.Sha384Initial.CopyTo(state64);

        var full = input.Length - (input.Length % blockLength);
        Span<byte> tail = stackalloc byte[2 * Sha2Block.Sha512BlockLength];
        tail.Clear();
        var rest = input[full..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 1 + lengthField <= blockLength ? blockLength : 2 * blockLength;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - 8)..], (ulong)input.Length * 8);
        for (var offset = 0; offset < full + tailLength; offset += blockLength)
        {
            var block = offset < full ? input.Slice(offset, blockLength) : tail.Slice(offset - full, blockLength);
            if (wide)
            {
                Sha2Block.Sha512(state64, block);
            }
            else
            {
                Sha2Block.Sha256(state32, block);
            }
        }

        for (var i = 0; i < (wide ? 6 : 8); i++)
        {
            if (wide)
            {
                BinaryPrimitives.WriteUInt64BigEndian(digest[(8 * i)..], state64[i]);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], state32[i]);
            }
        }
    }
}
