using System.Buffers.Binary;
using System.Security.Cryptography;

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

    /// <summary>RFC 5869 §2.3: L &lt;= 255 * HashLen.</summary>
    private const int MaxExpandBlocks = 255;

    /// <summary>
    /// HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length) with
    /// <c>struct { uint16 length; opaque label&lt;7..255&gt; = "tls13 " + Label; opaque context&lt;0..255&gt;; } HkdfLabel</c>.
    /// </summary>
    public static void ExpandLabel(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        if (label.Length > MaxLabel || context.Length > 255)
        {
            throw new ArgumentException("label or context too long");
        }

        // HkdfLabel, then one byte for HKDF-Expand's block counter.
        Span<byte> info = stackalloc byte[2 + 1 + 6 + MaxLabel + 1 + 255 + 1];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)output.Length);
        info[2] = (byte)(6 + label.Length);
        "tls13 "u8.CopyTo(info[3..]);
        label.CopyTo(info[9..]);
        var at = 9 + label.Length;
        info[at++] = (byte)context.Length;
        context.CopyTo(info[at..]);
        at += context.Length;
        Expand(hash, secret, info[..(at + 1)], output);
    }

    /// <summary>[sender]_write_key and [sender]_write_iv from a traffic secret (RFC 8446 §7.3).</summary>
    public static void TrafficKeys(HashAlgorithmName hash, ReadOnlySpan<byte> trafficSecret, Span<byte> key, Span<byte> iv)
    {
        ExpandLabel(hash, trafficSecret, "key"u8, default, key);
        ExpandLabel(hash, trafficSecret, "iv"u8, default, iv);
    }

    /// <summary>application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length) (§7.2).</summary>
    public static void NextTrafficSecret(HashAlgorithmName hash, ReadOnlySpan<byte> current, Span<byte> next) =>
        ExpandLabel(hash, current, "traffic upd"u8, default, next);

    /// <summary>
    /// HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) | info | i). <paramref name="infoAndCounter"/> is info with one
    /// spare byte at its end for the counter.
    /// </summary>
    private static void Expand(HashAlgorithmName hash, ReadOnlySpan<byte> prk, Span<byte> infoAndCounter, Span<byte> output)
    {
        if (!ShortHmac.Supports(hash))
        {
            HKDF.Expand(hash, prk, output, infoAndCounter[..^1]);
            return;
        }

        var hashLength = ShortHmac.HashLength(hash);
        if (prk.Length < hashLength || output.Length > MaxExpandBlocks * hashLength)
        {
            throw new ArgumentException("HKDF-Expand: PRK shorter than the hash, or output too long"); // as HKDF.Expand
        }

        Span<byte> block = stackalloc byte[ShortHmac.MaxHashLength];
        var previous = 0;
        for (var (done, counter) = (0, 1); done < output.Length; done += hashLength, counter++)
        {
            infoAndCounter[^1] = (byte)counter;
            ShortHmac.Compute(hash, prk, block[..previous], infoAndCounter, block);
            previous = hashLength;
            block[..Math.Min(hashLength, output.Length - done)].CopyTo(output[done..]);
        }

        block.Clear();
    }
}
