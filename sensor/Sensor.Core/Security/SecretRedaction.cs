using System.Security.Cryptography;
using System.Text;

namespace Sensor.Core.Security;

/// <summary>
/// The one way a detected secret is described in output (events.md, <c>finding</c>): a short non-secret prefix plus
/// the length (<c>ghp_…(40)</c>) and a keyed HMAC-SHA256 fingerprint, so analysts can correlate without seeing it.
/// The value itself is never returned, logged or put in an exception message.
/// </summary>
public static class SecretRedaction
{
    /// <summary>Characters of a secret shown at most: enough for a format prefix (<c>sk-ant-api03</c> is 12), no more.</summary>
    public const int MaxPrefixChars = 12;

    /// <summary>HMAC-SHA256 key size in bytes (RFC 2104: a key of the hash's output length).</summary>
    public const int KeyBytes = 32;

    /// <summary>Hex characters of the fingerprint written (128 bits: collision-free for correlation, shorter lines).</summary>
    public const int FingerprintHexChars = 32;

    /// <summary><paramref name="formatPrefix"/> (cut to <see cref="MaxPrefixChars"/>) + "…(" + length + ")".</summary>
    public static string Preview(string formatPrefix, int length) =>
        (formatPrefix.Length > MaxPrefixChars ? formatPrefix[..MaxPrefixChars] : formatPrefix) + "…(" + length + ")";

    /// <summary>
    /// An e-mail address as events show it: its first character and its domain (<c>b…@example.net</c>). The outside
    /// domain is what an analyst acts on; the mailbox may itself be a planted or personal value, so it is never written.
    /// </summary>
    public static string Address(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 ? Preview(string.Empty, address.Length) : address[0] + "…@" + address[(at + 1)..];
    }

    /// <summary>The keyed fingerprint of <paramref name="value"/>: <c>hmac-sha256:</c> + the first 32 hex characters.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> key, ReadOnlySpan<char> value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var rented = byteCount <= 512 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount);
        var utf8 = rented is null ? stackalloc byte[byteCount] : rented.AsSpan(0, byteCount);
        try
        {
            Encoding.UTF8.GetBytes(value, utf8);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, utf8, mac);
            return "hmac-sha256:" + Convert.ToHexStringLower(mac)[..FingerprintHexChars];
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(utf8);
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The fingerprint key kept in <paramref name="path"/>: read when present (exactly <see cref="KeyBytes"/> bytes),
    /// else generated and written with owner-only permissions (Unix 0600), so fingerprints stay comparable across runs.
    /// Returns null when the file is unusable; the caller then uses a per-run key.
    /// </summary>
    public static byte[]? LoadOrCreateKey(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                var existing = File.ReadAllBytes(path);
                return existing.Length == KeyBytes ? existing : null;
            }

            var key = RandomNumberGenerator.GetBytes(KeyBytes);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            {
                stream.Write(key);
            }

            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
