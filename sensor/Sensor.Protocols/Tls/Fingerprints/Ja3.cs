using System.Buffers;
using System.Buffers.Binary;

namespace Sensor.Protocols.Tls.Fingerprints;

/// <summary>
/// JA3 and JA3S (Salesforce, BSD-3-Clause): the decimal field lists of a ClientHello
/// (<c>version,ciphers,extensions,groups,point_formats</c>) or ServerHello (<c>version,cipher,extensions</c>)
/// and their MD5. GREASE values are left out, as tshark and the reference implementation do.
/// </summary>
public static class Ja3
{
    public const int HashLength = 32;

    /// <summary>Writes the JA3 string (bytes, ASCII) and its MD5. Returns the string length, or -1 if it does not fit.</summary>
    public static int WriteClient(ReadOnlySpan<byte> body, in ClientHelloInfo info, Span<byte> text, Span<char> hash)
    {
        var b = new AsciiBuilder(text);
        b.AppendDecimal(info.LegacyVersion);
        b.Append(',');
        AppendPairs(ref b, body[info.CipherSuites]);
        b.Append(',');
        AppendExtensionTypes(ref b, body[info.Extensions]);
        b.Append(',');
        AppendPairs(ref b, body[info.SupportedGroups]);
        b.Append(',');
        var formats = body[info.PointFormats];
        for (var i = 0; i < formats.Length; i++)
        {
            if (i > 0)
            {
                b.Append('-');
            }

            b.AppendDecimal(formats[i]);
        }

        return Finish(ref b, hash);
    }

    /// <summary>Writes the JA3S string and its MD5. Returns the string length, or -1 if it does not fit.</summary>
    public static int WriteServer(ReadOnlySpan<byte> body, in ServerHelloInfo info, Span<byte> text, Span<char> hash)
    {
        var b = new AsciiBuilder(text);
        b.AppendDecimal(info.LegacyVersion);
        b.Append(',');
        b.AppendDecimal(info.CipherSuite);
        b.Append(',');
        AppendExtensionTypes(ref b, body[info.Extensions]);
        return Finish(ref b, hash);
    }

    /// <summary>Upper bound of the JA3 text of a hello of <paramref name="bodyLength"/> bytes (each 2-byte value takes at most 6 characters).</summary>
    public static int MaxTextLength(int bodyLength) => (bodyLength * 3) + 16;

    private static int Finish(ref AsciiBuilder b, Span<char> hash)
    {
        if (b.Overflow)
        {
            return -1;
        }

        b.Md5Hex(hash);
        return b.Length;
    }

    private static void AppendPairs(ref AsciiBuilder b, ReadOnlySpan<byte> pairs)
    {
        var first = true;
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            var v = BinaryPrimitives.ReadUInt16BigEndian(pairs[i..]);
            if (TlsConstants.IsGrease(v))
            {
                continue;
            }

            if (!first)
            {
                b.Append('-');
            }

            first = false;
            b.AppendDecimal(v);
        }
    }

    private static void AppendExtensionTypes(ref AsciiBuilder b, ReadOnlySpan<byte> block)
    {
        var first = true;
        for (var at = 0; at + 4 <= block.Length;)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(block[at..]);
            at += 4 + BinaryPrimitives.ReadUInt16BigEndian(block[(at + 2)..]);
            if (TlsConstants.IsGrease(type))
            {
                continue;
            }

            if (!first)
            {
                b.Append('-');
            }

            first = false;
            b.AppendDecimal(type);
        }
    }
}
