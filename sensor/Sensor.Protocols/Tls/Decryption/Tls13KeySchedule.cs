using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Sensor.Core.Hashing;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// The part of the TLS 1.3 key schedule (RFC 8446 §7) a passive decryptor needs: traffic secret -> key/iv, and key updates.
/// HKDF-Expand runs on <see cref="ShortHmac"/>: every handshake derives eight keys and IVs, and OpenSSL's per-call set-up
/// through HKDF.Expand was most of that.
/// </summary>
public static class Tls13KeySchedule
{
    /// <summary>Longest label we build: "tls13 " + "traffic upd".</summary>
    private const int MaxLabel = 32;

    /// <summary>HkdfLabel at its longest, plus one byte for HKDF-Expand's block counter.</summary>
    private const int MaxInfo = 2 + 1 + 6 + MaxLabel + 1 + 255 + 1;

    /// <summary>RFC 5869 §2.3: L &lt;= 255 * HashLen.</summary>
    private const int MaxExpandBlocks = 255;

    /// <summary>
    /// HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length) with
    /// <c>struct { uint16 length; opaque label&lt;7..255&gt; = "tls13 " + Label; opaque context&lt;0..255&gt;; } HkdfLabel</c>.
    /// </summary>
    public static void ExpandLabel(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        if (!ShortHmac.Supports(hash))
        {
            Span<byte> info = stackalloc byte[MaxInfo];
            var length = HkdfLabel(label, context, output.Length, info);
            HKDF.Expand(hash, secret, output, info[..length]);
            return;
        }

        var prk = Prk(hash, secret);
        ExpandLabel(prk, ShortHmac.HashLength(hash), label, context, output);
        prk.Clear();
    }

    /// <summary>[sender]_write_key and [sender]_write_iv from a traffic secret (RFC 8446 §7.3).</summary>
    public static void TrafficKeys(HashAlgorithmName hash, ReadOnlySpan<byte> trafficSecret, Span<byte> key, Span<byte> iv)
    {
        if (!ShortHmac.Supports(hash))
        {
            ExpandLabel(hash, trafficSecret, "key"u8, default, key);
            ExpandLabel(hash, trafficSecret, "iv"u8, default, iv);
            return;
        }

        var prk = Prk(hash, trafficSecret); // keyed once for both
        var hashLength = ShortHmac.HashLength(hash);
        if (key.Length > hashLength || iv.Length > hashLength)
        {
            ExpandLabel(prk, hashLength, "key"u8, default, key);
            ExpandLabel(prk, hashLength, "iv"u8, default, iv);
            prk.Clear();
            return;
        }

        // One HKDF-Expand block each, T(1) = HMAC(PRK, HkdfLabel | 0x01): the two MACs side by side.
        Span<byte> keyInfo = stackalloc byte[MaxInfo];
        Span<byte> ivInfo = stackalloc byte[MaxInfo];
        var keyInfoLength = HkdfLabel("key"u8, default, key.Length, keyInfo);
        var ivInfoLength = HkdfLabel("iv"u8, default, iv.Length, ivInfo);
        keyInfo[keyInfoLength++] = 1;
        ivInfo[ivInfoLength++] = 1;
        Span<byte> keyBlock = stackalloc byte[ShortHmac.MaxHashLength];
        Span<byte> ivBlock = stackalloc byte[ShortHmac.MaxHashLength];
        prk.ComputePair(keyInfo[..keyInfoLength], keyBlock, ivInfo[..ivInfoLength], ivBlock);
        keyBlock[..key.Length].CopyTo(key);
        ivBlock[..iv.Length].CopyTo(iv);
        keyBlock.Clear();
        ivBlock.Clear();
        prk.Clear();
    }

    /// <summary>
    /// [sender]_write_key and [sender]_write_iv of four traffic secrets at once (a session's client and server handshake
    /// and first application secrets, which the key log gives together): with SHA-384, six four-lane compressions
    /// (the HMAC key pads, then the key and IV labels' inner, then outer, hashes) instead of twelve two-lane ones.
    /// <paramref name="output"/> receives key i then iv i, for secrets i = 0..3 in argument order.
    /// </summary>
    public static void TrafficKeysOfFour(
        HashAlgorithmName hash, ReadOnlySpan<byte> secret0, ReadOnlySpan<byte> secret1, ReadOnlySpan<byte> secret2, ReadOnlySpan<byte> secret3,
        int keyLength, int ivLength, Span<byte> output)
    {
        var stride = keyLength + ivLength;
        if (output.Length < 4 * stride)
        {
            throw new ArgumentException("output shorter than four keys and IVs", nameof(output));
        }

        if (hash != HashAlgorithmName.SHA384 || keyLength > 48 || ivLength > 48 || !Fits(secret0) || !Fits(secret1) || !Fits(secret2) || !Fits(secret3))
        {
            TrafficKeys(hash, secret0, output[..keyLength], output[keyLength..stride]);
            TrafficKeys(hash, secret1, output.Slice(stride, keyLength), output.Slice(stride + keyLength, ivLength));
            TrafficKeys(hash, secret2, output.Slice(2 * stride, keyLength), output.Slice((2 * stride) + keyLength, ivLength));
            TrafficKeys(hash, secret3, output.Slice(3 * stride, keyLength), output.Slice((3 * stride) + keyLength, ivLength));
            return;
        }

        const int blockLength = Sha2Block.Sha512BlockLength;
        Span<ulong> inner = stackalloc ulong[32];
        Span<ulong> outer = stackalloc ulong[32];
        Span<ulong> states = stackalloc ulong[32];
        Span<byte> blocks = stackalloc byte[4 * blockLength];
        Span<byte> digest = stackalloc byte[48];

        // RFC 2104 §2 steps 1-2 and 5: the four secrets' pad blocks (a secret of at most a block is the key as is).
        KeyPads(blocks, secret0, secret1, secret2, secret3, 0x36);
        for (var i = 0; i < 4; i++)
        {
            Sha2Block.Sha384Initial.CopyTo(inner[(8 * i)..]);
            Sha2Block.Sha384Initial.CopyTo(outer[(8 * i)..]);
        }

        Sha2Block.Sha512Quad(inner, blocks);
        KeyPads(blocks, secret0, secret1, secret2, secret3, 0x5c);
        Sha2Block.Sha512Quad(outer, blocks);

        // Lane j of half h: secret 2h + j / 2, label "key" for even j and "iv" for odd; T(1) = HMAC(secret, HkdfLabel | 1).
        for (var half = 0; half < 2; half++)
        {
            for (var lane = 0; lane < 4; lane++)
            {
                var secret = (2 * half) + (lane / 2);
                inner.Slice(8 * secret, 8).CopyTo(states[(8 * lane)..]);
                var block = blocks.Slice(blockLength * lane, blockLength);
                var length = HkdfLabel(lane % 2 == 0 ? "key"u8 : "iv"u8, default, lane % 2 == 0 ? keyLength : ivLength, block);
                block[length++] = 1;
                PadOneBlock(block, length);
            }

            Sha2Block.Sha512Quad(states, blocks);
            for (var lane = 0; lane < 4; lane++)
            {
                var block = blocks.Slice(blockLength * lane, blockLength);
                Sha384Digest(states.Slice(8 * lane, 8), block);
                PadOneBlock(block, 48);
                outer.Slice(8 * ((2 * half) + (lane / 2)), 8).CopyTo(states[(8 * lane)..]);
            }

            Sha2Block.Sha512Quad(states, blocks);
            for (var lane = 0; lane < 4; lane++)
            {
                Sha384Digest(states.Slice(8 * lane, 8), digest);
                var at = (((2 * half) + (lane / 2)) * stride) + (lane % 2 == 0 ? 0 : keyLength);
                digest[..(lane % 2 == 0 ? keyLength : ivLength)].CopyTo(output[at..]);
            }
        }

        // All of it is key material.
        inner.Clear();
        outer.Clear();
        states.Clear();
        blocks.Clear();
        digest.Clear();

        static bool Fits(ReadOnlySpan<byte> secret) => secret.Length is >= 48 and <= blockLength;

        static void KeyPads(Span<byte> blocks, ReadOnlySpan<byte> s0, ReadOnlySpan<byte> s1, ReadOnlySpan<byte> s2, ReadOnlySpan<byte> s3, byte pad)
        {
            blocks.Clear();
            s0.CopyTo(blocks);
            s1.CopyTo(blocks[blockLength..]);
            s2.CopyTo(blocks[(2 * blockLength)..]);
            s3.CopyTo(blocks[(3 * blockLength)..]);
            var pattern = Vector256.Create(pad); // 512 bytes: byte by byte was a tenth of this method's time
            ref var start = ref MemoryMarshal.GetReference(blocks);
            for (nuint i = 0; i < (nuint)blocks.Length; i += (nuint)Vector256<byte>.Count)
            {
                (Vector256.LoadUnsafe(ref start, i) ^ pattern).StoreUnsafe(ref start, i);
            }
        }

        // FIPS 180-4 §5.1.2 for a message of one block after the key's pad block.
        static void PadOneBlock(Span<byte> block, int length)
        {
            block[length] = 0x80;
            block[(length + 1)..(blockLength - 8)].Clear();
            BinaryPrimitives.WriteUInt64BigEndian(block[(blockLength - 8)..], (ulong)(blockLength + length) * 8);
        }

        static void Sha384Digest(ReadOnlySpan<ulong> state, Span<byte> digest)
        {
            for (var i = 0; i < 6; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(digest[(8 * i)..], state[i]);
            }
        }
    }

    /// <summary>application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length) (§7.2).</summary>
    public static void NextTrafficSecret(HashAlgorithmName hash, ReadOnlySpan<byte> current, Span<byte> next) =>
        ExpandLabel(hash, current, "traffic upd"u8, default, next);

    private static ShortHmac Prk(HashAlgorithmName hash, ReadOnlySpan<byte> secret)
    {
        if (secret.Length < ShortHmac.HashLength(hash))
        {
            throw new ArgumentException("HKDF-Expand: PRK shorter than the hash"); // as HKDF.Expand
        }

        return ShortHmac.Create(hash, secret);
    }

    private static void ExpandLabel(in ShortHmac prk, int hashLength, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        Span<byte> info = stackalloc byte[MaxInfo];
        var length = HkdfLabel(label, context, output.Length, info);
        Expand(prk, hashLength, info[..(length + 1)], output);
    }

    /// <summary>Writes the HkdfLabel structure; returns its length.</summary>
    private static int HkdfLabel(ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, int outputLength, Span<byte> info)
    {
        if (label.Length > MaxLabel || context.Length > 255)
        {
            throw new ArgumentException("label or context too long");
        }

        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)outputLength);
        info[2] = (byte)(6 + label.Length);
        "tls13 "u8.CopyTo(info[3..]);
        label.CopyTo(info[9..]);
        var at = 9 + label.Length;
        info[at++] = (byte)context.Length;
        context.CopyTo(info[at..]);
        return at + context.Length;
    }

    /// <summary>
    /// HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) | info | i). <paramref name="infoAndCounter"/> is info with one
    /// spare byte at its end for the counter.
    /// </summary>
    private static void Expand(in ShortHmac prk, int hashLength, Span<byte> infoAndCounter, Span<byte> output)
    {
        if (output.Length > MaxExpandBlocks * hashLength)
        {
            throw new ArgumentException("HKDF-Expand: output too long"); // as HKDF.Expand
        }

        Span<byte> block = stackalloc byte[ShortHmac.MaxHashLength];
        var previous = 0;
        for (var (done, counter) = (0, 1); done < output.Length; done += hashLength, counter++)
        {
            infoAndCounter[^1] = (byte)counter;
            prk.Compute(block[..previous], infoAndCounter, block);
            previous = hashLength;
            block[..Math.Min(hashLength, output.Length - done)].CopyTo(output[done..]);
        }

        block.Clear();
    }
}
