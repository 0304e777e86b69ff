using System.Buffers.Binary;
using Sensor.Protocols.Tls;

namespace Sensor.Sessions.Tls;

/// <summary>The keys of <see cref="HelloFingerprintMemo{T}"/>: every hello value a fingerprint string is written from.</summary>
internal static class HelloMemoKey
{
    /// <summary>
    /// Longest key kept, in 16-bit values: a browser hello gives ~80 (16 ciphers, 18 extensions, 5 groups, 1-3 point
    /// formats, ~10 signature algorithms, ~4 versions, ~14 ALPN bytes and the section counts); longer (odd or hostile)
    /// hellos are written out every time.
    /// </summary>
    public const int MaxValues = 256;

    /// <summary>
    /// The values a ClientHello's JA3 (Ja3.WriteClient), JA4 (Ja4.Write) and offered lists are written from: version,
    /// ciphers, extension types, groups and point formats; then the transport, which optional extensions are present,
    /// supported versions, signature algorithms (and their length in bytes) and the raw ALPN list. Each section is led by
    /// its count, so that values cannot move between sections unseen. Returns the key length, or -1 when it is longer
    /// than <paramref name="key"/>.
    /// </summary>
    public static int Client(ReadOnlySpan<byte> body, in ClientHelloInfo info, char transport, Span<ushort> key)
    {
        var n = 0;
        var present = (info.HasServerName ? 1 : 0) | (info.HasSignatureAlgorithms ? 2 : 0) | (info.HasSupportedVersions ? 4 : 0) | (info.HasAlpn ? 8 : 0);
        var signatures = info.HasSignatureAlgorithms ? body[info.SignatureAlgorithms] : default;
        return Put(key, ref n, info.LegacyVersion)
            && PutPairs(key, ref n, body[info.CipherSuites])
            && PutExtensionTypes(key, ref n, body[info.Extensions])
            && PutPairs(key, ref n, body[info.SupportedGroups])
            && PutBytes(key, ref n, body[info.PointFormats])
            && Put(key, ref n, transport)
            && Put(key, ref n, (ushort)present)
            && PutPairs(key, ref n, info.HasSupportedVersions ? body[info.SupportedVersions] : default)
            && Put(key, ref n, (ushort)signatures.Length) // JA4 writes its '_' for any non-empty list, even one of GREASE only
            && PutPairs(key, ref n, signatures)
            && PutBytes(key, ref n, info.HasAlpn ? body[info.Alpn] : default)
            ? n
            : -1;
    }

    /// <summary>The values a ServerHello's JA3S text is written from: version, cipher, extension types. -1 when too long.</summary>
    public static int Server(ReadOnlySpan<byte> body, in ServerHelloInfo info, Span<ushort> key)
    {
        var n = 0;
        return Put(key, ref n, info.LegacyVersion) && Put(key, ref n, info.CipherSuite) && PutExtensionTypes(key, ref n, body[info.Extensions]) ? n : -1;
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

    /// <summary>Single bytes, led by their count.</summary>
    private static bool PutBytes(Span<ushort> key, ref int n, ReadOnlySpan<byte> bytes)
    {
        if (!Put(key, ref n, (ushort)bytes.Length))
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (!Put(key, ref n, b))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>2-byte values without GREASE, as Ja3.AppendPairs and Ja4 read them (an odd last byte is ignored there too).</summary>
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

    /// <summary>Extension types without GREASE, walked as Ja3.AppendExtensionTypes and Ja4 walk them.</summary>
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
}
