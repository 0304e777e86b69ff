namespace Sensor.Detectors.Validators;

/// <summary>A <c>scheme://user:password@host</c> whose password is a real value, not a placeholder such as <c>****</c>, <c>${DB_PASS}</c> or <c>&lt;password&gt;</c>.</summary>
public static class UrlPassword
{
    private static readonly string[] s_placeholders = ["password", "passwd", "changeme", "example", "secret", "xxxx", "****", "${", "{{", "%s", "<", "$("];

    public static bool HasRealPassword(ReadOnlySpan<char> url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return false;
        }

        var rest = url[(scheme + 3)..];
        var at = rest.IndexOf('@');
        var colon = at < 0 ? -1 : rest[..at].IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        var password = rest[(colon + 1)..at];
        if (password.Length < 3)
        {
            return false;
        }

        foreach (var placeholder in s_placeholders)
        {
            if (password.Contains(placeholder, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
