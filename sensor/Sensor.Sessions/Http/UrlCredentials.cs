using System.Text;

namespace Sensor.Sessions.Http;

/// <summary>
/// Query parameters that carry credentials by convention (Gemini's <c>?key=</c>, OAuth's <c>access_token</c> and
/// <c>code</c>, signed URLs' <c>sig</c>): their values are never written, whether or not a detector ran
/// (operations.md: secrets are never logged in clear). Everything else in the URL stays as sent.
/// </summary>
public static class UrlCredentials
{
    private static readonly HashSet<string> s_names = new(StringComparer.OrdinalIgnoreCase)
    {
        "key", "api_key", "apikey", "api-key", "x-api-key", "access_token", "refresh_token", "id_token", "token",
        "auth", "authorization", "password", "passwd", "pwd", "secret", "client_secret", "code", "sig", "signature",
        "session_token", "x-amz-signature", "x-amz-security-token", "x-goog-signature",
    };

    /// <summary>The URL with the value of each credential parameter replaced by <see cref="HttpEvent.Redacted"/>.</summary>
    public static string Redact(string url) => Redact(url, everyValue: false);

    /// <summary>
    /// For a URL in which a detector found a secret (we do not know where): the path and the parameter names stay,
    /// every parameter value goes. Without a query the secret sat in the path, and the whole URL goes.
    /// </summary>
    public static string RedactDetected(string url) => url.Contains('?', StringComparison.Ordinal) ? Redact(url, everyValue: true) : HttpEvent.Redacted;

    /// <summary>Names are compared as unescaped text; one without a '%' is that text already, and is looked up without a copy.</summary>
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> s_namesBySpan = s_names.GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool IsCredentialName(ReadOnlySpan<char> name) =>
        name.Contains('%') ? s_names.Contains(Uri.UnescapeDataString(name)) : s_namesBySpan.Contains(name);

    private static string Redact(string url, bool everyValue)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return url;
        }

        var fragment = url.IndexOf('#', query);
        var end = fragment < 0 ? url.Length : fragment;
        StringBuilder? result = null;
        var start = query + 1;
        while (start <= end)
        {
            var amp = url.IndexOf('&', start, end - start);
            var stop = amp < 0 ? end : amp;
            var equals = url.IndexOf('=', start, stop - start);
            if (equals > start && equals + 1 < stop && (everyValue || IsCredentialName(url.AsSpan(start, equals - start))))
            {
                result ??= new StringBuilder(url.Length).Append(url, 0, start);
                result.Append(url, start, equals + 1 - start).Append(HttpEvent.Redacted);
            }
            else if (everyValue && stop > start)
            {
                // A bare parameter (no '=') is all value.
                result ??= new StringBuilder(url.Length).Append(url, 0, start);
                result.Append(equals > start ? url.AsSpan(start, equals + 1 - start) : default).Append(HttpEvent.Redacted);
            }
            else
            {
                result?.Append(url, start, stop - start);
            }

            if (amp < 0)
            {
                break;
            }

            result?.Append('&');
            start = amp + 1;
        }

        return result is null ? url : result.Append(url, end, url.Length - end).ToString();
    }
}
