namespace Sensor.Detectors.Validators;

/// <summary>Rejects shapes the email regex lets through that are not addresses: dotted local-part ends or runs, file names like <c>icon@2x.png</c>.</summary>
public static class EmailShape
{
    private static readonly string[] s_fileSuffixes = [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".js", ".css"];

    public static bool IsPlausible(ReadOnlySpan<char> value)
    {
        var at = value.IndexOf('@');
        if (at <= 0)
        {
            return false;
        }

        var local = value[..at];
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var suffix in s_fileSuffixes)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
