using System.Buffers.Text;

namespace Sensor.Detectors.Validators;

/// <summary>A JWT's first segment must be base64url JSON naming an <c>alg</c> (RFC 7515 4.1.1), which random <c>eyJ…</c> text is not.</summary>
public static class JwtHeader
{
    /// <summary>Headers beyond this are not decoded (real JOSE headers are a few hundred bytes).</summary>
    private const int MaxHeaderChars = 2048;

    public static bool IsPlausible(ReadOnlySpan<char> token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot > MaxHeaderChars)
        {
            return false;
        }

        var header = token[..dot];
        Span<byte> decoded = stackalloc byte[Base64Url.GetMaxDecodedLength(header.Length)];
        if (!Base64Url.TryDecodeFromChars(header, decoded, out var written))
        {
            return false;
        }

        var json = decoded[..written];
        return json.Length > 0 && json[0] == (byte)'{' && json.IndexOf("\"alg\""u8) >= 0;
    }
}
