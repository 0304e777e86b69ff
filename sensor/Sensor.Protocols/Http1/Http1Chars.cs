using System.Buffers;

namespace Sensor.Protocols.Http1;

/// <summary>Byte classes of RFC 9110 §5.6 and RFC 9112, as vectorised sets.</summary>
internal static class Http1Chars
{
    public const byte Cr = (byte)'\r';
    public const byte Lf = (byte)'\n';
    public const byte Space = (byte)' ';
    public const byte Tab = (byte)'\t';
    public const byte Colon = (byte)':';

    /// <summary><c>tchar</c>: the characters of a method or field name.</summary>
    public static readonly SearchValues<byte> Token =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Bytes that may not appear in a request target: controls, space and DEL (obs-text is let through).</summary>
    public static readonly SearchValues<byte> NotInTarget = SearchValues.Create(ControlsAnd(Space, 0x7F));

    /// <summary>Bytes that may not appear in a field value or reason phrase: controls other than HTAB, and DEL.</summary>
    public static readonly SearchValues<byte> NotInValue = SearchValues.Create(ControlsAnd(0x7F, except: Tab));

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static byte[] ControlsAnd(byte extra, byte also = 0x7F, byte except = 0xFF)
    {
        var set = new List<byte>();
        for (var b = 0; b < 0x20; b++)
        {
            if (b != except)
            {
                set.Add((byte)b);
            }
        }

        set.Add(extra);
        set.Add(also);
        return [.. set.Distinct()];
    }
}
