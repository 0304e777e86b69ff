using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Sensor.Protocols.Tls.Fingerprints;

/// <summary>
/// JA4, FoxIO's TLS client fingerprint (BSD-3-Clause; conformance/ja4/JA4-spec.md): <c>a_b_c</c> where
/// a = transport, version, SNI, cipher and extension counts, ALPN; b = truncated SHA-256 of the sorted
/// ciphers; c = truncated SHA-256 of the sorted extensions (without SNI and ALPN) and the signature algorithms.
/// GREASE values are ignored everywhere. JA4S/JA4H/JA4X are under the FoxIO License and not implemented.
/// </summary>
public static class Ja4
{
    /// <summary>Length of a JA4 fingerprint: 10 + 1 + 12 + 1 + 12.</summary>
    public const int Length = 36;

    /// <summary>Writes the fingerprint of the ClientHello <paramref name="body"/> into <paramref name="destination"/> (36 chars).</summary>
    /// <param name="transport"><c>'t'</c> for TLS over TCP, <c>'q'</c> for QUIC, <c>'d'</c> for DTLS.</param>
    public static void Write(ReadOnlySpan<byte> body, in ClientHelloInfo info, char transport, Span<char> destination)
    {
        var ciphers = body[info.CipherSuites];
        var extensionCount = 0;
        Span<ushort> extensions = stackalloc ushort[128];
        var sorted = CollectExtensions(body, info, ref extensionCount, extensions, out var rentedExtensions);

        // a: t13d1516h2
        destination[0] = transport;
        WriteVersion(body, info, destination[1..3]);
        destination[3] = info.HasServerName ? 'd' : 'i';
        WriteCount(CountNonGrease(ciphers), destination[4..6]);
        WriteCount(extensionCount, destination[6..8]);
        WriteAlpn(body, info, destination[8..10]);
        destination[10] = '_';

        // b: sorted cipher list
        WriteSortedHash(ciphers, destination.Slice(11, 12));
        destination[23] = '_';

        // c: sorted extensions without SNI/ALPN, then '_' and the signature algorithms in wire order
        WriteExtensionHash(sorted, body, info, destination.Slice(24, 12));
        if (rentedExtensions is not null)
        {
            ArrayPool<ushort>.Shared.Return(rentedExtensions);
        }
    }

    private static Span<ushort> CollectExtensions(ReadOnlySpan<byte> body, in ClientHelloInfo info, ref int count, Span<ushort> scratch, out ushort[]? rented)
    {
        rented = null;
        var block = body[info.Extensions];
        if (info.ExtensionCount > scratch.Length)
        {
            rented = ArrayPool<ushort>.Shared.Rent(info.ExtensionCount);
            scratch = rented;
        }

        var kept = 0;
        for (var at = 0; at + 4 <= block.Length;)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(block[at..]);
            at += 4 + BinaryPrimitives.ReadUInt16BigEndian(block[(at + 2)..]);
            if (TlsConstants.IsGrease(type))
            {
                continue;
            }

            count++;
            if (type is not (TlsConstants.ExtServerName or TlsConstants.ExtAlpn))
            {
                scratch[kept++] = type;
            }
        }

        var result = scratch[..kept];
        result.Sort();
        return result;
    }

    private static void WriteVersion(ReadOnlySpan<byte> body, in ClientHelloInfo info, Span<char> destination)
    {
        var version = info.HighestVersion(body);
        var code = version switch
        {
            0x0304 => "13",
            0x0303 => "12",
            0x0302 => "11",
            0x0301 => "10",
            0x0300 => "s3",
            0x0002 => "s2",
            0xFEFF => "d1",
            0xFEFD => "d2",
            0xFEFC => "d3",
            _ => "00",
        };
        code.AsSpan().CopyTo(destination);
    }

    private static int CountNonGrease(ReadOnlySpan<byte> pairs)
    {
        var count = 0;
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            if (!TlsConstants.IsGrease(BinaryPrimitives.ReadUInt16BigEndian(pairs[i..])))
            {
                count++;
            }
        }

        return count;
    }

    private static void WriteCount(int count, Span<char> destination)
    {
        count = Math.Min(count, 99);
        destination[0] = (char)('0' + (count / 10));
        destination[1] = (char)('0' + (count % 10));
    }

    private static void WriteAlpn(ReadOnlySpan<byte> body, in ClientHelloInfo info, Span<char> destination)
    {
        var list = info.HasAlpn ? body[info.Alpn] : default;
        if (list.Length < 2 || list[0] == 0 || list[0] > list.Length - 1)
        {
            destination[0] = destination[1] = '0';
            return;
        }

        // Non-alphanumeric first/last bytes become '9'. The spec text (JA4-spec.md) now describes a hex
        // rule, but FoxIO's Rust, Python and Wireshark implementations, and so the fingerprints in the
        // field and in ja4db, all print '9' (conformance/ja4 tls-non-ascii-alpn: 0xba 0xad -> "99").
        var first = list.Slice(1, list[0]);
        destination[0] = AlpnChar(first[0]);
        destination[1] = AlpnChar(first[^1]);
    }

    private static char AlpnChar(byte value) => char.IsAsciiLetterOrDigit((char)value) ? (char)value : '9';

    private static void WriteSortedHash(ReadOnlySpan<byte> ciphers, Span<char> destination)
    {
        var count = ciphers.Length / 2;
        ushort[]? rented = null;
        var values = count <= 256 ? stackalloc ushort[count] : (rented = ArrayPool<ushort>.Shared.Rent(count)).AsSpan(0, count);
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            var v = BinaryPrimitives.ReadUInt16BigEndian(ciphers[(2 * i)..]);
            if (!TlsConstants.IsGrease(v))
            {
                values[kept++] = v;
            }
        }

        var list = values[..kept];
        var offered = MemoryMarshal.AsBytes(list);
        var memo = FingerprintHashMemo.Ja4Ciphers;
        if (!memo.TryGet(offered, destination))
        {
            // Remembered under the offered order, so the key is copied before the sort reorders it in place.
            Span<byte> key = stackalloc byte[FingerprintHashMemo.MaxInputBytes];
            var remember = offered.Length <= key.Length;
            if (remember)
            {
                offered.CopyTo(key);
            }

            list.Sort();
            HashList(list, default, hasSecond: false, destination);
            if (remember)
            {
                memo.Remember(key[..offered.Length], destination);
            }
        }

        if (rented is not null)
        {
            ArrayPool<ushort>.Shared.Return(rented);
        }
    }

    private static void WriteExtensionHash(ReadOnlySpan<ushort> sortedExtensions, ReadOnlySpan<byte> body, in ClientHelloInfo info, Span<char> destination)
    {
        var signatures = info.HasSignatureAlgorithms ? body[info.SignatureAlgorithms] : default;
        HashList(sortedExtensions, signatures, info.HasSignatureAlgorithms && signatures.Length > 0, destination);
    }

    /// <summary>SHA-256 prefix of "v1,v2,...[_s1,s2,...]", or twelve zeros when the first list is empty.</summary>
    private static void HashList(ReadOnlySpan<ushort> values, ReadOnlySpan<byte> secondPairs, bool hasSecond, Span<char> destination)
    {
        if (values.IsEmpty)
        {
            destination.Fill('0');
            return;
        }

        var needed = (values.Length * 5) + (secondPairs.Length / 2 * 5) + 1;
        byte[]? rented = null;
        var buffer = needed <= 1024 ? stackalloc byte[needed] : (rented = ArrayPool<byte>.Shared.Rent(needed));
        var text = new AsciiBuilder(buffer);
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.AppendHex4(values[i]);
        }

        if (hasSecond)
        {
            text.Append('_');
            var first = true;
            for (var i = 0; i + 1 < secondPairs.Length; i += 2)
            {
                var v = BinaryPrimitives.ReadUInt16BigEndian(secondPairs[i..]);
                if (TlsConstants.IsGrease(v))
                {
                    continue;
                }

                if (!first)
                {
                    text.Append(',');
                }

                first = false;
                text.AppendHex4(v);
            }
        }

        text.Sha256Prefix12(destination);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
