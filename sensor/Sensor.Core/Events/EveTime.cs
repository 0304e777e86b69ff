namespace Sensor.Core.Events;

/// <summary>Formats times as EVE does: <c>2026-11-24T10:00:00.123456+0000</c> (UTC, microseconds).</summary>
public static class EveTime
{
    public const int Length = 31;

    /// <summary>The UTC offset every time ends with.</summary>
    internal static ReadOnlySpan<byte> Offset => "+0000"u8;

    public static string Format(long unixMicros)
    {
        Span<byte> utf8 = stackalloc byte[Length];
        WriteUtf8(unixMicros, utf8);
        return System.Text.Encoding.ASCII.GetString(utf8);
    }

    /// <summary>
    /// Writes the 31 ASCII bytes with plain digit arithmetic: called for every event (and twice per flow event),
    /// where a custom DateTime format string would be parsed on each call.
    /// </summary>
    public static void WriteUtf8(long unixMicros, Span<byte> destination)
    {
        var time = DateTime.UnixEpoch.AddTicks(unixMicros * 10);
        time.Deconstruct(out int year, out int month, out int day);
        var micros = (int)(time.Ticks % TimeSpan.TicksPerSecond / 10);
        Digits(destination[..4], year);
        destination[4] = (byte)'-';
        Digits(destination.Slice(5, 2), month);
        destination[7] = (byte)'-';
        Digits(destination.Slice(8, 2), day);
        destination[10] = (byte)'T';
        Digits(destination.Slice(11, 2), time.Hour);
        destination[13] = (byte)':';
        Digits(destination.Slice(14, 2), time.Minute);
        destination[16] = (byte)':';
        Digits(destination.Slice(17, 2), time.Second);
        destination[19] = (byte)'.';
        Digits(destination.Slice(20, 6), micros);
        Offset.CopyTo(destination[26..]);
    }

    /// <summary>Fills <paramref name="destination"/> with the last decimal digits of <paramref name="value"/>, zero-padded.</summary>
    internal static void Digits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
