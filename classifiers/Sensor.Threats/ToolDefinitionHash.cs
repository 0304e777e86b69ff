using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

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
                    WriteCanonical(writer, value, 0);
                }
            }

            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>
    /// The object's members ordered by name (ordinal), duplicates kept in document order: the order a stable sort
    /// (LINQ's OrderBy, which this replaced) gives, so the hashes stay what they were.
    /// </summary>
    private static ReadOnlySpan<Member> Sorted(JsonElement value, Span<Member> members)
    {
        var i = 0;
        foreach (var property in value.EnumerateObject())
        {
            members[i] = new Member(property.Name, property.Value, i);
            i++;
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : a.Order.CompareTo(b.Order));
        return members;
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement value, int depth)
    {
        if (depth >= MaxDepth)
        {
            writer.WriteStringValue(value.GetRawText());
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var count = value.GetPropertyCount();
                var members = ArrayPool<Member>.Shared.Rent(count);
                try
                {
                    var sorted = Sorted(value, members.AsSpan(0, count));
                    foreach (var member in sorted)
                    {
                        writer.WritePropertyName(member.Name);
                        WriteCanonical(writer, member.Value, depth + 1);
                    }
                }
                finally
                {
                    ArrayPool<Member>.Shared.Return(members, clearArray: true);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteCanonical(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private readonly record struct Member(string Name, JsonElement Value, int Order);
}
