using System.Buffers;
using System.Text.Json;

namespace Sensor.Core.Json;

/// <summary>
/// Writes a JSON value in canonical form for hashing: object members sorted by name (ordinal, duplicates kept in
/// document order: what a stable sort such as LINQ's OrderBy gives), no whitespace, strings re-escaped by the
/// writer's encoder, numbers as written. Shared by the MCP tool digest and the threat detectors' tool-definition hash,
/// which differ only in the members they hash, the writer's escaping and the depth they follow.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Writes <paramref name="value"/>; below <paramref name="maxDepth"/> levels a value is written as its raw text in a string (bounded, still deterministic).</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement value, int maxDepth, int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (depth >= maxDepth)
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
                    foreach (var member in Sorted(value, members.AsSpan(0, count)))
                    {
                        writer.WritePropertyName(member.Name);
                        Write(writer, member.Value, maxDepth, depth + 1);
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
                    Write(writer, item, maxDepth, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

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

    private readonly record struct Member(string Name, JsonElement Value, int Order);
}
