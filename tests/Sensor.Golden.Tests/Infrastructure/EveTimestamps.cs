using System.Globalization;
using System.Text.RegularExpressions;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>events.md's timestamp form, <c>2026-11-24T10:00:00.123456+0000</c>, checked and converted to Unix microseconds.</summary>
internal static partial class EveTimestamps
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+0000$")]
    public static partial Regex Format();

    public static long ToMicros(string text)
    {
        var time = DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return (time - DateTime.UnixEpoch).Ticks / 10;
    }
}
