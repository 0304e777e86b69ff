using System.Buffers;
using System.Globalization;
using Sensor.Core.Hashing;
using Sensor.Core.Security;
using Sensor.Detectors.Rules;

namespace Sensor.Detectors.Findings;

/// <summary>Turns a detected value into what may be written: a short redacted preview and a keyed fingerprint. The value itself never leaves.</summary>
public sealed class FindingFormatter
{
    /// <summary>The longest format prefix a preview may show; longer rule prefixes (PEM headers) are cut here.</summary>
    public const int MaxPrefixChars = 40;

    /// <summary>The key's HMAC pad states, prepared once: the formatter is shared by every worker and Compute only reads them.</summary>
    private readonly ShortHmac _keyed;

    public FindingFormatter(byte[] key)
    {
        if (key.Length < FingerprintKey.MinKeyBytes)
        {
            throw new ArgumentException("HMAC key too short", nameof(key));
        }

        _keyed = SecretRedaction.FingerprintKey(key);
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

    /// <summary>The shared fingerprint (<see cref="SecretRedaction.Fingerprint(in ShortHmac, ReadOnlySpan{char})"/>); payment cards and IBANs over their letters and digits only.</summary>
    public string Fingerprint(DetectorRule? rule, ReadOnlySpan<char> value)
    {
        Span<byte> mac = stackalloc byte[SecretRedaction.FingerprintMacBytes];
        FingerprintMac(rule, value, mac);
        return FingerprintText(mac);
    }

    /// <summary>The text of a fingerprint from its MAC (<see cref="FingerprintMac"/>).</summary>
    public static string FingerprintText(ReadOnlySpan<byte> mac) => SecretRedaction.FingerprintText(mac);

    /// <summary>The MAC behind <see cref="Fingerprint"/> (<see cref="SecretRedaction.FingerprintMacBytes"/> bytes): dedupe compares it before the text is made.</summary>
    public void FingerprintMac(DetectorRule? rule, ReadOnlySpan<char> value, Span<byte> mac)
    {
        if (rule?.Scanner is not ("payment_card" or "iban"))
        {
            SecretRedaction.FingerprintMac(_keyed, value, mac);
            return;
        }

        var rented = value.Length > 1024 ? ArrayPool<char>.Shared.Rent(value.Length) : null;
        Span<char> kept = rented ?? stackalloc char[value.Length];
        try
        {
            var n = 0;
            foreach (var c in value)
            {
                if (char.IsAsciiLetterOrDigit(c))
                {
                    kept[n++] = c;
                }
            }

            SecretRedaction.FingerprintMac(_keyed, kept[..n], mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented, clearArray: true);
            }
        }
    }
}
