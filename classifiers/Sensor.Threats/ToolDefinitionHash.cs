using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sensor.Core.Json;

namespace Sensor.Threats;

/// <summary>
/// SHA-256 of a tool's full definition as canonical JSON (reference.md §7: beat mcp-scan's MD5 of the description
/// alone): the members that define behaviour (<c>name</c>, <c>title</c>, <c>description</c>, <c>inputSchema</c>,
/// <c>outputSchema</c>, <c>annotations</c>, <c>_meta</c>), object keys sorted ordinally at every level, no
/// whitespace, strings re-escaped one way, numbers as written.
/// </summary>
internal static class ToolDefinitionHash
{
    /// <summary>Nesting followed inside a schema; deeper parts are hashed as their raw text (bounded, still deterministic).</summary>
    public const int MaxDepth = 32;

    private static readonly string[] s_members = ["_meta", "annotations", "description", "inputSchema", "name", "outputSchema", "title"];

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static string Compute(JsonElement tool)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            foreach (var member in s_members)
            {
                if (tool.TryGetProperty(member, out var value))
                {
                    writer.WritePropertyName(member);
                    CanonicalJson.Write(writer, value, MaxDepth);
                }
            }

            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}
