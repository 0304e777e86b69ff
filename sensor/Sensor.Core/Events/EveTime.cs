namespace Sensor.Core.Events;

/// <summary>Formats times as EVE does: <c>2026-11-24T10:00:00.123456+0000</c> (UTC, microseconds).</summary>
public static class EveTime
{
    public const int Length = 31;

    public static string Format(long unixMicros)
    {
        Span<char> buffer = stackalloc char[Length];
        Format(unixMicros, buffer);
        return new string(buffer);
    }

    public static void Format(long unixMicros, Span<char> destination)
    {
        var time = DateTime.UnixEpoch.AddTicks(unixMicros * 10);
        time.TryFormat(destination, out _, "yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'", System.Globalization.CultureInfo.InvariantCulture);
    }
}
