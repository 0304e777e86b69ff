using System.Text.Json;

namespace Sensor.Detectors;

/// <summary>
/// Another service's credential handed to an AI vendor inside the request body, for the vendor to call that service:
/// Anthropic <c>mcp_servers[].authorization_token</c> (MCP connector), OpenAI Responses <c>tools[].authorization</c> and
/// <c>tools[].headers.*</c> (remote MCP tools). Reads only those fields; a truncated or broken body yields what was read.
/// </summary>
public static class ThirdPartyTokens
{
    /// <summary>JSON nesting the reader accepts (System.Text.Json's default is 64).</summary>
    private const int MaxDepth = 64;

    /// <summary>Cheap test before parsing: an AI request body that names one of the fields.</summary>
    public static bool MayContain(ReadOnlySpan<byte> body) =>
        (body.IndexOf("\"mcp_servers\""u8) >= 0 && body.IndexOf("\"authorization_token\""u8) >= 0)
        || (body.IndexOf("\"tools\""u8) >= 0 && (body.IndexOf("\"authorization\""u8) >= 0 || body.IndexOf("\"headers\""u8) >= 0));

    /// <summary>Adds (JSON path, value) for each credential field found.</summary>
    public static void Find(ReadOnlySpan<byte> body, List<(string Field, string Value)> found)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            while (reader.Read() && reader.CurrentDepth >= 1)
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                var mcp = reader.ValueTextEquals("mcp_servers"u8);
                var tools = !mcp && reader.ValueTextEquals("tools"u8);
                reader.Read();
                if ((mcp || tools) && reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadArray(ref reader, mcp, found);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Truncated (body cap) or not JSON after all: keep what was found.
        }
    }

    private static void ReadArray(ref Utf8JsonReader reader, bool mcp, List<(string, string)> found)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                ReadElement(ref reader, mcp, index, found);
            }
            else
            {
                reader.Skip();
            }

            index++;
        }
    }

    private static void ReadElement(ref Utf8JsonReader reader, bool mcp, int index, List<(string, string)> found)
    {
        var array = mcp ? "mcp_servers" : "tools";
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isToken = mcp ? reader.ValueTextEquals("authorization_token"u8) : reader.ValueTextEquals("authorization"u8);
            var isHeaders = !mcp && reader.ValueTextEquals("headers"u8);
            var name = isToken ? reader.GetString() : null;
            reader.Read();
            if (isToken && reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } value)
            {
                found.Add(($"{array}[{index}].{name}", value));
            }
            else if (isHeaders && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var header = reader.GetString();
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } headerValue)
                    {
                        found.Add(($"{array}[{index}].headers.{header}", headerValue));
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }
}
