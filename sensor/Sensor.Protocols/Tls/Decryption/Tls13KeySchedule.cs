using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>The part of the TLS 1.3 key schedule (RFC 8446 §7) a passive decryptor needs: traffic secret -> key/iv, and key updates.</summary>
public static class Tls13KeySchedule
{
    /// <summary>Longest label we build: "tls13 " + "traffic upd".</summary>
    private const int MaxLabel = 32;

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

        Span<byte> info = stackalloc byte[2 + 1 + 6 + MaxLabel + 1 + 255];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)output.Length);
        info[2] = (byte)(6 + label.Length);
        "tls13 "u8.CopyTo(info[3..]);
        label.CopyTo(info[9..]);
        var at = 9 + label.Length;
        info[at++] = (byte)context.Length;
        context.CopyTo(info[at..]);
        at += context.Length;
        HKDF.Expand(hash, secret, output, info[..at]);
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
}
