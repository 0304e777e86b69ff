using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Sensor.Core.Json;

namespace Sensor.Sessions.Mcp;

/// <summary>
/// SHA-256 of a whole tool definition (name, title, description, input and output schema, annotations, _meta) in a
/// canonical form: object members sorted by name, no whitespace, strings re-escaped the one way Utf8JsonWriter does.
/// Two servers that serialise the same tool differently get the same digest; any change to any member changes it
/// (reference.md §7: mcp-scan hashes the description alone, with MD5).
/// </summary>
internal static class McpToolDigest
{
    /// <summary>
    /// Tool definitions whose digest is remembered by their exact bytes: a server answers tools/list with the same
    /// bytes on every session, so the canonical form is built once per definition. Room for a large deployment's
    /// servers times their tools; beyond it digests are computed each time (same values, so no anomaly).
    /// </summary>
    public const int MaxCachedDefinitions = 16_384;

    private static readonly ConcurrentDictionary<RawJsonKey, string> s_byRawBytes = new();

    public static string Sha256Hex(JsonElement tool) => Sha256Hex(tool, RawJsonKey.Of(tool));

    /// <summary>The digest of <paramref name="tool"/>, whose raw text has the key <paramref name="key"/>.</summary>
    public static string Sha256Hex(JsonElement tool, RawJsonKey key)
    {
        // Equal raw bytes are the same definition, whatever the canonical form says.
        if (s_byRawBytes.TryGetValue(key, out var digest))
        {
            return digest;
        }

        digest = Compute(tool);
        return s_byRawBytes.Count < MaxCachedDefinitions ? s_byRawBytes.GetOrAdd(key, digest) : digest;
    }

    /// <summary>The digest built from the canonical form, without the cache.</summary>
    internal static string Compute(JsonElement tool)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CanonicalJson.Write(writer, tool, int.MaxValue);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}
