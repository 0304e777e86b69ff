using System.Text;
using System.Text.Json;

namespace Sensor.Protocols.JsonRpc;

/// <summary>Turns the ranges of a <see cref="JsonRpcMessageInfo"/> into strings, for callers that keep or print them.</summary>
public static class JsonRpcText
{
    /// <summary>The string member at <paramref name="range"/> (contents of a JSON string), unescaped; null when absent.</summary>
    public static string? GetString(ReadOnlySpan<byte> body, Range range)
    {
        if (!JsonRpcMessageInfo.IsPresent(range))
        {
            return null;
        }

        var contents = body[range];
        if (contents.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(contents);
        }

        // Re-read the quoted token to unescape it. The reader checks UTF-8 only when it makes a string: invalid bytes
        // then give the lossy text of the raw contents, as the unescaped path does.
        var (offset, length) = range.GetOffsetAndLength(body.Length);
        var reader = new Utf8JsonReader(body.Slice(offset - 1, length + 2));
        reader.Read();
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(contents);
        }
    }

    /// <summary>The raw JSON text at <paramref name="range"/> (an id), or null when absent.</summary>
    public static string? GetRaw(ReadOnlySpan<byte> body, Range range) =>
        JsonRpcMessageInfo.IsPresent(range) ? Encoding.UTF8.GetString(body[range]) : null;
}
