using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Sensor.Core.Json;

/// <summary>
/// The SHA-256 of a JSON value's raw text, as a dictionary key: equal bytes are the same value whatever any canonical
/// form says, and MCP servers repeat their tool definitions byte for byte on every session, so work done on one
/// definition (its digest, its verdict) is remembered under this key. Computed once per tool by the MCP parser and
/// handed to the threat detectors with the message (<see cref="Payloads.McpMessage.ToolKeys"/>).
/// </summary>
public readonly record struct RawJsonKey(UInt128 Low, UInt128 High)
{
    public static RawJsonKey Of(JsonElement value) => Of(JsonMarshal.GetRawUtf8Value(value));

    public static RawJsonKey Of(ReadOnlySpan<byte> raw)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(raw, hash);
        return new RawJsonKey(MemoryMarshal.Read<UInt128>(hash), MemoryMarshal.Read<UInt128>(hash[16..]));
    }
}
