using System.Text.Json;

namespace Sensor.Threats;

/// <summary>
/// Walks every string of a JSON value, and of JSON documents embedded in those strings (MCP tool results are often
/// <c>content[].text</c> holding another JSON document whose fields hold HTML), within fixed bounds.
/// </summary>
internal static class JsonStrings
{
    /// <summary>Strings visited per message: far above any real tool result's field count, low enough to bound a hostile one.</summary>
    public const int MaxStrings = 4096;

    /// <summary>JSON nesting followed (System.Text.Json's own default MaxDepth).</summary>
    public const int MaxDepth = 64;

    /// <summary>Levels of JSON-in-a-string parsed (text → JSON → HTML is one level; two leaves room for a wrapper).</summary>
    public const int MaxEmbeddedLevels = 2;

    /// <summary>Strings shorter than this cannot hold an instruction worth reporting (and are most of the strings).</summary>
    public const int MinLength = 16;

    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = MaxDepth };

    /// <summary>Calls <paramref name="visit"/> for each long-enough string; returns false when a bound cut the walk short.</summary>
    public static bool Visit(JsonElement value, Action<string> visit)
    {
        var budget = MaxStrings;
        return Walk(value, visit, 0, 0, ref budget);
    }

    private static bool Walk(JsonElement value, Action<string> visit, int depth, int level, ref int budget)
    {
        if (depth >= MaxDepth || budget <= 0)
        {
            return false;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                budget--;
                var text = value.GetString()!;
                if (text.Length < MinLength)
                {
                    return true;
                }

                if (level < MaxEmbeddedLevels && LooksLikeJson(text) && TryParse(text) is { } embedded)
                {
                    using (embedded)
                    {
                        return Walk(embedded.RootElement, visit, 0, level + 1, ref budget);
                    }
                }

                visit(text);
                return true;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (!Walk(item, visit, depth + 1, level, ref budget))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!Walk(property.Value, visit, depth + 1, level, ref budget))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().Trim();
        return trimmed.Length >= 2 && ((trimmed[0] == '{' && trimmed[^1] == '}') || (trimmed[0] == '[' && trimmed[^1] == ']'));
    }

    private static JsonDocument? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text, s_options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
