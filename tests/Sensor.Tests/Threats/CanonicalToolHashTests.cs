using System.Text.Encodings.Web;
using System.Text.Json;
using Sensor.Tests.TestSupport;
using Sensor.Threats;
using McpToolDigest = Sensor.Sessions.Mcp.McpToolDigest;

namespace Sensor.Tests.Threats;

/// <summary>
/// Both tool-definition hashes (the mcp event's digest and the rug-pull hash) keep their values: each is compared with
/// the LINQ OrderBy form it replaced, on every tool of the shared captures' MCP fixtures and on the awkward cases
/// (duplicate keys, names that sort differently by UTF-16 and by code point, deep nesting).
/// </summary>
public class CanonicalToolHashTests
{
    private static readonly string[] s_awkward =
    [
        """{"name":"dup","description":"x","inputSchema":{"b":1,"a":2,"b":3,"a":{"z":1,"y":[{"k":"v","j":null}]}}}""",
        """{"name":"uni","description":"caf\u00e9 \ud83d\ude00 <b>","inputSchema":{"\ufffd":1,"\ud83d\ude00":2,"\u00e9":3,"z":4,"Z":5}}""",
        """{"name":"num","inputSchema":{"n":1.50,"m":-0e3,"big":123456789012345678901234567890},"annotations":{"readOnlyHint":true},"extra":{"ignored":1}}""",
        "{\"name\":\"deep\",\"inputSchema\":" + string.Concat(Enumerable.Repeat("{\"a\":[", 20)) + "1" + string.Concat(Enumerable.Repeat("]}", 20)) + "}",
    ];

    public static TheoryData<string> Tools()
    {
        var data = new TheoryData<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in s_awkward)
        {
            data.Add(tool);
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(SharedInputs.RepositoryRoot, "tests", "Sensor.Tests", "Threats", "Fixtures"), "*.ndjson"))
        {
            foreach (var line in File.ReadLines(file))
            {
                using var row = JsonDocument.Parse(line);
                if (row.RootElement.TryGetProperty("kind", out var kind) && kind.GetString() == "http")
                {
                    continue; // a plain HTTP body (mail API), not a JSON-RPC message
                }

                using var message = JsonDocument.Parse(row.RootElement.GetProperty("json").GetString()!);
                if (message.RootElement.ValueKind == JsonValueKind.Object && message.RootElement.TryGetProperty("result", out var result)
                    && result.ValueKind == JsonValueKind.Object && result.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
                {
                    foreach (var tool in tools.EnumerateArray())
                    {
                        // The captures list the same tools on every session: each definition once.
                        if (seen.Add(tool.GetRawText()))
                        {
                            data.Add(tool.GetRawText());
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public void BothHashes_KeepTheValuesOfTheLinqForm(string json)
    {
        using var document = JsonDocument.Parse(json);
        var tool = document.RootElement;
        Assert.Equal(LinqDigest(tool), McpToolDigest.Sha256Hex(tool));
        Assert.Equal(LinqDigest(tool), McpToolDigest.Sha256Hex(tool)); // second time from the cache
        Assert.Equal(LinqDigest(tool), McpToolDigest.Compute(tool));
        Assert.Equal(LinqDefinitionHash(tool), ToolDefinitionHash.Compute(tool));
    }

    // The forms as they were before the LINQ sort was replaced (git history: McpToolDigest.cs, ToolDefinitionHash.cs).
    private static string LinqDigest(JsonElement tool)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, tool, int.MaxValue, 0);
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer.ToArray()));
    }

    private static string LinqDefinitionHash(JsonElement tool)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            writer.WriteStartObject();
            foreach (var member in new[] { "_meta", "annotations", "description", "inputSchema", "name", "outputSchema", "title" })
            {
                if (tool.TryGetProperty(member, out var value))
                {
                    writer.WritePropertyName(member);
                    Write(writer, value, ToolDefinitionHash.MaxDepth, 0);
                }
            }

            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer.ToArray()));
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, int maxDepth, int depth)
    {
        if (depth >= maxDepth)
        {
            writer.WriteStringValue(value.GetRawText());
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, maxDepth, depth + 1);
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

    [Fact]
    public void HeaderLocations_AreMadeOnce_AndStayRightPastTheCache()
    {
        Assert.Same(Core.Payloads.PayloadLocation.RequestHeader("x-bench-header"), Core.Payloads.PayloadLocation.RequestHeader("x-bench-header"));
        Assert.Equal("response-header:x-bench-header", Core.Payloads.PayloadLocation.ResponseHeader("x-bench-header"));
        for (var i = 0; i < Core.Payloads.PayloadLocation.MaxCachedHeaderNames + 10; i++)
        {
            var name = "x-many-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("request-header:" + name, Core.Payloads.PayloadLocation.RequestHeader(name));
        }

        Assert.Equal("request-header:x-late-name", Core.Payloads.PayloadLocation.RequestHeader("x-late-name"));
    }
}
