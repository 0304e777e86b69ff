using System.Security.Cryptography;
using System.Text.Json;

namespace Sensor.Sessions.Mcp;

/// <summary>
/// SHA-256 of a whole tool definition (name, title, description, input and output schema, annotations, _meta) in a
/// canonical form: object members sorted by name, no whitespace, strings re-escaped the one way Utf8JsonWriter does.
/// Two servers that serialise the same tool differently get the same digest; any change to any member changes it
/// (reference.md §7: mcp-scan hashes the description alone, with MD5).
/// </summary>
internal static class McpToolDigest
{
    public static string Sha256Hex(JsonElement tool)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, tool);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
