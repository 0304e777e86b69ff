using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sensor.Detectors.Rules;

namespace Sensor.Detectors.Findings;

/// <summary>Turns a detected value into what may be written: a short redacted preview and a keyed fingerprint. The value itself never leaves.</summary>
public sealed class FindingFormatter
{
    /// <summary>The longest format prefix a preview may show; longer rule prefixes (PEM headers) are cut here.</summary>
    public const int MaxPrefixChars = 40;

    private readonly byte[] _key;

    public FindingFormatter(byte[] key)
    {
        if (key.Length < FingerprintKey.MinKeyBytes)
        {
            throw new ArgumentException("HMAC key too short", nameof(key));
        }

        _key = key;
    }

    /// <summary>
    /// Prefix + length, e.g. <c>ghp_…(40)</c>: the prefix is the rule's literal format prefix, shown only when the value
    /// starts with it (so it never shows characters of the secret itself); PII and bare secrets show only the length.
    /// </summary>
    public static string Redact(DetectorRule rule, ReadOnlySpan<char> value)
    {
        var prefix = rule.Prefix;
        var shown = prefix.Length > 0 && prefix.Length < value.Length && value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? prefix.AsSpan(0, Math.Min(prefix.Length, MaxPrefixChars))
            : rule.Category == "corporate" ? prefix.AsSpan() : [];
        return string.Create(CultureInfo.InvariantCulture, $"{shown}…({value.Length})");
    }

    /// <summary>Length-only preview for a value no rule names (a third-party token in an AI body).</summary>
    public static string RedactLength(int length) => string.Create(CultureInfo.InvariantCulture, $"…({length})");

    /// <summary>HMAC-SHA256 of the value's bytes (one byte per char, as read), lower-case hex. Payment cards use their digits only.</summary>
    public string Fingerprint(DetectorRule? rule, ReadOnlySpan<char> value)
    {
        var rented = value.Length > 1024 ? ArrayPool<byte>.Shared.Rent(value.Length) : null;
        Span<byte> bytes = rented ?? stackalloc byte[value.Length];
        try
        {
            int n;
            if (rule?.Scanner is "payment_card" or "iban")
            {
                n = 0;
                foreach (var c in value)
                {
                    if (char.IsAsciiLetterOrDigit(c))
                    {
                        bytes[n++] = (byte)c;
                    }
                }
            }
            else
            {
                n = Encoding.Latin1.GetBytes(value, bytes);
            }

            Span<byte> mac = stackalloc byte[32];
            HMACSHA256.HashData(_key, bytes[..n], mac);
            return "hmac-sha256:" + Convert.ToHexStringLower(mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }
}
