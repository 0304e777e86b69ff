using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Hashing;

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

    /// <summary>
    /// The keyed fingerprint of <paramref name="value"/>: <c>hmac-sha256:</c> + 64 hex characters, over the value's
    /// bytes one per char (Latin-1: detectors read bytes widened one for one, so this is the bytes as sent). The one
    /// definition every detector uses, so the same value seen by two detectors correlates.
    /// </summary>
    public static string Fingerprint(ReadOnlySpan<byte> key, ReadOnlySpan<char> value)
    {
        var keyed = FingerprintKey(key);
        try
        {
            return Fingerprint(keyed, value);
        }
        finally
        {
            keyed.Clear();
        }
    }

    /// <summary>The HMAC state for <paramref name="key"/>, for a caller that fingerprints many values under one key (two hash compressions fewer each); clear it when done.</summary>
    public static ShortHmac FingerprintKey(ReadOnlySpan<byte> key) => ShortHmac.Create(HashAlgorithmName.SHA256, key);

    /// <summary><see cref="Fingerprint(ReadOnlySpan{byte}, ReadOnlySpan{char})"/> under a key prepared by <see cref="FingerprintKey"/>.</summary>
    public static string Fingerprint(in ShortHmac keyed, ReadOnlySpan<char> value)
    {
        Span<byte> mac = stackalloc byte[FingerprintMacBytes];
        FingerprintMac(keyed, value, mac);
        return FingerprintText(mac);
    }

    /// <summary>Bytes of the MAC behind a fingerprint (<see cref="FingerprintMac"/>).</summary>
    public const int FingerprintMacBytes = HMACSHA256.HashSizeInBytes;

    /// <summary>
    /// The MAC <see cref="Fingerprint(in ShortHmac, ReadOnlySpan{char})"/> writes in hex, into <paramref name="mac"/>
    /// (<see cref="FingerprintMacBytes"/>): for a caller that compares fingerprints before it needs their text.
    /// </summary>
    public static void FingerprintMac(in ShortHmac keyed, ReadOnlySpan<char> value, Span<byte> mac)
    {
        var rented = value.Length > 1024 ? System.Buffers.ArrayPool<byte>.Shared.Rent(value.Length) : null;
        var bytes = rented is null ? stackalloc byte[value.Length] : rented.AsSpan(0, value.Length);
        try
        {
            var n = Encoding.Latin1.GetBytes(value, bytes);
            keyed.Compute(bytes[..n], default, mac[..FingerprintMacBytes]);
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(bytes);
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>A fingerprint's text from its MAC: <c>hmac-sha256:</c> + 64 lower-case hex characters.</summary>
    public static string FingerprintText(ReadOnlySpan<byte> mac) =>
        string.Create(FingerprintPrefix.Length + (2 * FingerprintMacBytes), mac[..FingerprintMacBytes], static (chars, mac) =>
        {
            FingerprintPrefix.CopyTo(chars);
            Convert.TryToHexStringLower(mac, chars[FingerprintPrefix.Length..], out _);
        });

    private const string FingerprintPrefix = "hmac-sha256:";
}
