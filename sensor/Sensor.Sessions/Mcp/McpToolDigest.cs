using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
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
    /// <summary>
    /// Tool definitions whose digest is remembered by their exact bytes: a server answers tools/list with the same
    /// bytes on every session, so the canonical form is built once per definition. Room for a large deployment's
    /// servers times their tools; beyond it digests are computed each time (same values, so no anomaly).
    /// </summary>
    public const int MaxCachedDefinitions = 16_384;

    private static readonly ConcurrentDictionary<(UInt128, UInt128), string> s_byRawBytes = new();

    public static string Sha256Hex(JsonElement tool)
    {
        // The key is the SHA-256 of the raw text: equal bytes are the same definition, whatever the canonical form says.
        var raw = JsonMarshal.GetRawUtf8Value(tool);
        Span<byte> rawHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(raw, rawHash);
        var key = (MemoryMarshal.Read<UInt128>(rawHash), MemoryMarshal.Read<UInt128>(rawHash[16..]));
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
            WriteCanonical(writer, tool);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var count = element.GetPropertyCount();
                var members = ArrayPool<Member>.Shared.Rent(count);
                try
                {
                    foreach (var member in Sorted(element, members.AsSpan(0, count)))
                    {
                        writer.WritePropertyName(member.Name);
                        WriteCanonical(writer, member.Value);
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

    /// <summary>Members by name (ordinal), duplicates in document order: what the stable LINQ OrderBy this replaced gave.</summary>
    private static ReadOnlySpan<Member> Sorted(JsonElement element, Span<Member> members)
    {
        var i = 0;
        foreach (var property in element.EnumerateObject())
        {
            members[i] = new Member(property.Name, property.Value, i);
            i++;
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : a.Order.CompareTo(b.Order));
        return members;
    }

    private readonly record struct Member(string Name, JsonElement Value, int Order);
}
