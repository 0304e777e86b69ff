using System.Buffers.Binary;
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
