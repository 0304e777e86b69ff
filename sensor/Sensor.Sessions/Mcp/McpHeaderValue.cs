using System.Buffers.Text;
using System.Text;

namespace Sensor.Sessions.Mcp;

/// <summary>
/// The 2026-07-28 header value form for text that is not plain ASCII: <c>=?base64?&lt;base64 of UTF-8&gt;?=</c>
/// (mcp-spec:2026-07-28/basic/transports/streamable-http.mdx; example <c>=?base64?SGVsbG8sIOS4lueVjA==?=</c>).
/// </summary>
internal static class McpHeaderValue
{
    private const string Prefix = "=?base64?";
    private const string Suffix = "?=";

    public static bool IsEncoded(string value) =>
        value.Length >= Prefix.Length + Suffix.Length &&
        value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && value.EndsWith(Suffix, StringComparison.Ordinal);

    /// <summary>The value as the sender meant it: decoded when in the sentinel form, as sent otherwise; null when the sentinel holds bad base64 or bad UTF-8.</summary>
    public static string? Decode(string value)
    {
        if (!IsEncoded(value))
        {
            return value;
        }

        var payload = value.AsSpan(Prefix.Length, value.Length - Prefix.Length - Suffix.Length);
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(payload.Length)];
        Span<byte> ascii = payload.Length <= 1024 ? stackalloc byte[payload.Length] : new byte[payload.Length];
        if (Encoding.ASCII.GetBytes(payload, ascii) != payload.Length ||
            Base64.DecodeFromUtf8(ascii, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
