using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Hashing;

namespace Sensor.Core.Payloads;

/// <summary>
/// The client's own credential on a request, described without its value: kind (<c>api_key</c>,
/// <c>oauth_subscription</c>, <c>session_cookie</c>, <c>jwt</c>, <c>bearer</c>), where it was carried, a short
/// prefix that names its format (<c>sk-ant-api03</c>), and its SHA-256 for matching sanctioned credentials in
/// the tenant config. <see cref="Sha256Hex"/> stays in memory: no event writes it.
/// </summary>
public sealed record CredentialInfo(string Kind, string Location, string FormatPrefix)
{
    /// <summary>Credentials up to this many UTF-8 bytes are hashed from the stack (API keys and most JWTs are well under it).</summary>
    private const int MaxStackCredential = 1024;

    // The token (a slice of the request's own header or URL text, which the exchange holds anyway) until the digest is
    // asked for; then dropped. Private, so neither the record's ToString nor an event ever shows it.
    private ReadOnlyMemory<char> _token;
    private string? _sha256Hex;

    /// <summary>A credential whose digest is already known.</summary>
    public CredentialInfo(string kind, string location, string formatPrefix, string sha256Hex)
        : this(kind, location, formatPrefix) => _sha256Hex = sha256Hex;

    /// <summary>
    /// The SHA-256 (lower-case hex) of the token's UTF-8 bytes, what the tenant config lists. Only a configured credential
    /// list reads it, so it is worked out on first read, not per request.
    /// </summary>
    public string Sha256Hex => _sha256Hex ??= HashToken();

    /// <summary>Equal as before the digest was lazy: by kind, location, prefix and digest (computing it if need be).</summary>
    public bool Equals(CredentialInfo? other) =>
        other is not null && Kind == other.Kind && Location == other.Location && FormatPrefix == other.FormatPrefix && Sha256Hex == other.Sha256Hex;

    public override int GetHashCode() => HashCode.Combine(Kind, Location, FormatPrefix, Sha256Hex);

    /// <summary>A credential whose digest is computed from <paramref name="token"/> only if someone reads <see cref="Sha256Hex"/>.</summary>
    public static CredentialInfo Of(string kind, string location, string formatPrefix, ReadOnlyMemory<char> token) =>
        new(kind, location, formatPrefix) { _token = token };

    /// <summary>SHA-256 of a credential's UTF-8 bytes as lower-case hex, managed: OpenSSL's per-call set-up was most of it.</summary>
    public static string Sha256HexOf(ReadOnlySpan<char> token)
    {
        var length = Encoding.UTF8.GetByteCount(token);
        var bytes = length <= MaxStackCredential ? stackalloc byte[MaxStackCredential] : new byte[length];
        Encoding.UTF8.GetBytes(token, bytes);
        Span<byte> digest = stackalloc byte[ShortSha256.DigestLength];
        ShortSha256.Hash(bytes[..length], digest);
        CryptographicOperations.ZeroMemory(bytes[..length]);
        return Convert.ToHexStringLower(digest);
    }

    private string HashToken()
    {
        var digest = Sha256HexOf(_token.Span);
        _token = default;
        return digest;
    }
}
