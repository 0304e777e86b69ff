using Sensor.Core.Payloads;

namespace Sensor.Sessions.Mcp;

/// <summary>
/// The OAuth steps an MCP client walks (reference.md §1.8; the labels' <c>mcp_auth_step</c> vocabulary): a 401 with
/// <c>WWW-Authenticate: Bearer resource_metadata=…</c>, RFC 9728 protected-resource metadata, RFC 8414
/// authorization-server metadata (or OpenID configuration), RFC 7591 registration, authorize and token.
/// </summary>
internal static class McpOAuthStep
{
    public const string Unauthenticated401 = "unauthenticated-401";
    public const string ProtectedResourceMetadata = "protected-resource-metadata";
    public const string AuthorizationServerMetadata = "authorization-server-metadata";
    public const string ClientRegistration = "client-registration";
    public const string Authorize = "authorize";
    public const string Token = "token";
    public const string Authenticated = "authenticated";

    /// <summary>The step a request path names, or null. Only asked for hosts already known to serve MCP or its auth.</summary>
    public static string? FromRequest(string? method, string path)
    {
        if (path.StartsWith("/.well-known/oauth-protected-resource", StringComparison.Ordinal))
        {
            return ProtectedResourceMetadata;
        }

        if (path.StartsWith("/.well-known/oauth-authorization-server", StringComparison.Ordinal) ||
            path.StartsWith("/.well-known/openid-configuration", StringComparison.Ordinal) ||
            path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            return AuthorizationServerMetadata;
        }

        return (method, LastSegment(path)) switch
        {
            ("POST", "register") => ClientRegistration,
            ("GET", "authorize") => Authorize,
            ("POST", "token") => Token,
            _ => null,
        };
    }

    /// <summary>The <c>resource_metadata</c> URL of a 401's <c>WWW-Authenticate</c>, or null when the answer is not an MCP auth challenge.</summary>
    public static string? ResourceMetadata(HttpExchange exchange)
    {
        if (exchange.Status != 401 || exchange.ResponseHeaders.Get("www-authenticate") is not { } challenge)
        {
            return null;
        }

        const string Parameter = "resource_metadata=";
        var at = challenge.IndexOf(Parameter, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var value = challenge.AsSpan(at + Parameter.Length).TrimStart('"');
        var end = value.IndexOfAny('"', ',');
        return (end < 0 ? value : value[..end]).Trim().ToString();
    }

    private static string LastSegment(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }
}
