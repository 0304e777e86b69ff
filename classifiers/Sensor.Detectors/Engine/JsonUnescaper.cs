using System.Text;

namespace Sensor.Detectors.Engine;

/// <summary>
/// Undoes JSON string escapes (<c>\n</c>, <c>\"</c>, <c>\/</c>, <c>\uXXXX</c> with surrogate pairs, RFC 8259 7) across a
/// whole document, so a PEM key written with <c>\n</c> or a token with <c>\u002b</c> reads as it was typed. Outside strings
/// valid JSON has no backslash, so unescaping everywhere equals unescaping each string. Never longer than the input.
/// </summary>
public static class JsonUnescaper
{
    /// <summary>Writes the unescaped form of <paramref name="source"/> to <paramref name="destination"/> (at least as long); returns its length.</summary>
    public static int Unescape(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var next = source[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                source[i..].CopyTo(destination[written..]);
                return written + source.Length - i;
            }

            source.Slice(i, next).CopyTo(destination[written..]);
            written += next;
            i += next;
            if (i + 1 >= source.Length)
            {
                destination[written++] = source[i++];
                break;
            }

            var e = source[i + 1];
            byte simple = e switch
            {
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                (byte)'b' => 8,
                (byte)'f' => 12,
                (byte)'"' or (byte)'\\' or (byte)'/' => e,
                _ => 0,
            };
            if (simple != 0)
            {
                destination[written++] = simple;
                i += 2;
                continue;
            }

            if (e == (byte)'u' && TryHex(source, i + 2, out var unit))
            {
                var consumed = 6;
                var scalar = (int)unit;
                if (char.IsHighSurrogate((char)unit) && i + 12 <= source.Length && source[i + 6] == (byte)'\\' && source[i + 7] == (byte)'u'
                    && TryHex(source, i + 8, out var low) && char.IsLowSurrogate((char)low))
                {
                    scalar = char.ConvertToUtf32((char)unit, (char)low);
                    consumed = 12;
                }

                if (Rune.TryCreate(scalar, out var rune))
                {
                    written += rune.EncodeToUtf8(destination[written..]);
                    i += consumed;
                    continue;
                }
            }

            // An unknown or broken escape: keep it as it is.
            destination[written++] = source[i++];
        }

        return written;
    }

    private static bool TryHex(ReadOnlySpan<byte> source, int start, out ushort value)
    {
        value = 0;
        if (start + 4 > source.Length)
        {
            return false;
        }

        for (var k = 0; k < 4; k++)
        {
            var c = source[start + k];
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (ushort)((value << 4) | digit);
        }

        return true;
    }
}
