namespace Sensor.Protocols.Tls.Fingerprints;

/// <summary>Lower-case hex without allocation.</summary>
internal static class HexDigits
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    public static void Write(ushort value, Span<byte> destination)
    {
        destination[0] = Digits[value >> 12];
        destination[1] = Digits[(value >> 8) & 0xF];
        destination[2] = Digits[(value >> 4) & 0xF];
        destination[3] = Digits[value & 0xF];
    }

    public static void Write(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = (char)Digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = (char)Digits[bytes[i] & 0xF];
        }
    }
}
