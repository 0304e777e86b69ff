using Sensor.Core.Payloads;

namespace Sensor.Sessions.AiApi;

/// <summary>
/// The client's own credential on a request, by the shared captures' <c>credential_kind</c> rules
/// (shared/pcaps/README.md): where it sits (<c>x-api-key</c>, <c>authorization</c>, <c>cookie</c>,
/// <c>x-goog-api-key</c>, <c>x-postmark-server-token</c>, <c>?key=</c>), its kind, a format prefix, and the SHA-256 of the
/// exact token for matching sanctioned credentials. The token itself is dropped here.
/// </summary>
internal static class CredentialReader
{
    /// <summary>A JWT payload part up to this many characters is checked from the stack (claims sets are a few hundred).</summary>
    private const int MaxStackJwtPayload = 2048;

    // Longest first: the first match names the format.
    private static readonly string[] s_prefixes =
    [
        "sk-ant-api03", "sk-ant-oat01", "sk-ant-sid01", "sk-ant-admin01", "sk-proj", "sk-svcacct", "sk-admin", "tgp_v1_", "lin_api_",
        "sntryu_", "github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ntn_", "xoxb-", "xoxp-", "ATATT", "AIza", "glpat-", "tid=", "eyJ", "sk-",
    ];

    // Where each header credential sits, made once (PayloadLocation's own cache is a concurrent lookup per call).
    private static readonly string s_apiKeyLocation = PayloadLocation.RequestHeader("x-api-key");
    private static readonly string s_authorizationLocation = PayloadLocation.RequestHeader("authorization");
    private static readonly string s_googleKeyLocation = PayloadLocation.RequestHeader("x-goog-api-key");
    private static readonly string s_postmarkLocation = PayloadLocation.RequestHeader("x-postmark-server-token");
    private static readonly string s_cookieLocation = PayloadLocation.RequestHeader("cookie");

    public static CredentialInfo? Read(HttpExchange exchange)
    {
        var headers = AiRequestHeaders.Of(exchange.RequestHeaders);
        return Read(in headers, exchange.Target);
    }

    /// <summary>The credential among a request's <paramref name="headers"/> (read once by the caller) and its URL.</summary>
    public static CredentialInfo? Read(in AiRequestHeaders headers, string? target)
    {
        if (headers.ApiKey is { Length: > 0 } apiKey)
        {
            return Make("api_key", s_apiKeyLocation, apiKey.AsMemory().Trim());
        }

        if (headers.Authorization is { Length: > 0 } authorization)
        {
            var space = authorization.IndexOf(' ');
            var token = authorization.AsMemory(space > 0 ? space + 1 : 0).Trim();
            return Make(BearerKind(token.Span), s_authorizationLocation, token);
        }

        if (headers.GoogleApiKey is { Length: > 0 } googleKey)
        {
            return Make("api_key", s_googleKeyLocation, googleKey.AsMemory().Trim());
        }

        if (headers.PostmarkServerToken is { Length: > 0 } postmark)
        {
            return Make("api_key", s_postmarkLocation, postmark.AsMemory().Trim());
        }

        if (CookieValue(headers.Cookie, "sessionKey") is { Length: > 0 } session)
        {
            return Make("session_cookie", s_cookieLocation, session.AsMemory());
        }

        if (QueryValue(target, "key") is { Length: > 0 } urlKey)
        {
            return Make("api_key", PayloadLocation.RequestUrl, urlKey.AsMemory());
        }

        return null;
    }

    /// <summary>
    /// Whether <see cref="JwtPayload"/> would return a payload, without making it: three dot-separated parts, the first
    /// "eyJ...", the second valid base64url. Per request with a bearer token, so it decodes on the stack.
    /// </summary>
    public static bool LooksLikeJwt(ReadOnlySpan<char> token)
    {
        var firstDot = token.IndexOf('.');
        if (firstDot < 0 || !token.StartsWith("eyJ", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = token[(firstDot + 1)..];
        var secondDot = rest.IndexOf('.');
        if (secondDot < 0 || rest[(secondDot + 1)..].Contains('.'))
        {
            return false;
        }

        var payload = rest[..secondDot];
        var padded = payload.Length + ((4 - (payload.Length % 4)) % 4);
        if (padded > MaxStackJwtPayload)
        {
            return JwtPayload(token.ToString()) is not null; // a long token: the allocating path decides
        }

        Span<char> text = stackalloc char[MaxStackJwtPayload];
        payload.CopyTo(text);
        text[..payload.Length].Replace('-', '+');
        text[..payload.Length].Replace('_', '/');
        text[payload.Length..padded].Fill('=');
        Span<byte> bytes = stackalloc byte[MaxStackJwtPayload];
        return Convert.TryFromBase64Chars(text[..padded], bytes, out _);
    }

    /// <summary>A JWT's payload as JSON bytes (not verified: the sensor reads claims, never trusts them), or null.</summary>
    public static byte[]? JwtPayload(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !parts[0].StartsWith("eyJ", StringComparison.Ordinal))
        {
            return null;
        }

        var text = parts[1].Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string? CookieValue(string? cookie, string name)
    {
        if (cookie is null)
        {
            return null;
        }

        foreach (var pair in cookie.Split(';'))
        {
            var trimmed = pair.AsSpan().Trim();
            var eq = trimmed.IndexOf('=');
            if (eq > 0 && trimmed[..eq].SequenceEqual(name))
            {
                return trimmed[(eq + 1)..].ToString();
            }
        }

        return null;
    }

    private static string BearerKind(ReadOnlySpan<char> token) =>
        token.StartsWith("sk-ant-oat01-", StringComparison.Ordinal) ? "oauth_subscription"
        : token.StartsWith("sk-", StringComparison.Ordinal) || token.StartsWith("AIza", StringComparison.Ordinal) ||
          token.StartsWith("lin_api_", StringComparison.Ordinal) || token.StartsWith("tgp_v1_", StringComparison.Ordinal) ? "api_key"
        : LooksLikeJwt(token) ? "jwt"
        : "bearer";

    // The digest is left to CredentialInfo, which works it out only if a credential list asks for it.
    private static CredentialInfo Make(string kind, string location, ReadOnlyMemory<char> token)
    {
        var prefix = string.Empty;
        foreach (var p in s_prefixes)
        {
            if (token.Span.StartsWith(p, StringComparison.Ordinal))
            {
                prefix = p;
                break;
            }
        }

        return CredentialInfo.Of(kind, location, prefix, token);
    }

    private static string? QueryValue(string? target, string name)
    {
        var q = target?.IndexOf('?') ?? -1;
        if (q < 0)
        {
            return null;
        }

        foreach (var part in target![(q + 1)..].Split('&'))
        {
            if (part.Length > name.Length && part.StartsWith(name, StringComparison.Ordinal) && part[name.Length] == '=')
            {
                return Uri.UnescapeDataString(part[(name.Length + 1)..]);
            }
        }

        return null;
    }
}
