using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Sensor.Threats;

/// <summary>
/// What <see cref="JsonStrings.Visit"/> does with each string. The text is first given as a span (unescaped into a
/// reused buffer, nothing allocated) to <see cref="MayMatch"/>; only a string it accepts is made and given to
/// <see cref="Visit"/>: most strings of a tool result hold nothing a rule could find.
/// </summary>
internal abstract class JsonStringVisitor
{
    // Reused for every string this visitor sees (one visitor per worker's detector, so one thread).
    private char[] _scratch = new char[256];

    /// <summary>A cheap test: false promises that <see cref="Visit"/> would do nothing with this text.</summary>
    public abstract bool MayMatch(ReadOnlySpan<char> text);

    public abstract void Visit(string text);

    internal Memory<char> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new char[Math.Max(length, _scratch.Length * 2)];
        }

        return _scratch;
    }
}

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

    /// <summary>
    /// Longest string unescaped into a visitor's reused buffer, in UTF-8 bytes; longer ones are made as strings directly,
    /// so the buffer stays small (64 KiB holds every tool result text of the shared captures; the message cap is 1 MiB).
    /// </summary>
    public const int MaxScratchBytes = 64 * 1024;

    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = MaxDepth };

    /// <summary>Gives each long-enough string to <paramref name="visitor"/>; returns false when a bound cut the walk short.</summary>
    public static bool Visit(JsonElement value, JsonStringVisitor visitor)
    {
        var budget = MaxStrings;
        return Walk(value, visitor, 0, 0, ref budget);
    }

    private static bool Walk(JsonElement value, JsonStringVisitor visitor, int depth, int level, ref int budget)
    {
        if (depth >= MaxDepth || budget <= 0)
        {
            return false;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                budget--;
                return VisitString(value, visitor, level, ref budget);
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (!Walk(item, visitor, depth + 1, level, ref budget))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!Walk(property.Value, visitor, depth + 1, level, ref budget))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static bool VisitString(JsonElement value, JsonStringVisitor visitor, int level, ref int budget)
    {
        // The raw token is the quoted, still escaped UTF-8: unescaping and transcoding only shorten it, so a short
        // token is a short string (text.Length <= raw bytes - 2) and needs no decoding at all.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length - 2 < MinLength)
        {
            return true;
        }

        if (raw.Length - 2 > MaxScratchBytes)
        {
            return VisitText(value.GetString()!, visitor, level, ref budget);
        }

        // The same text GetString gives (the reader unescapes and transcodes alike), without allocating it.
        var reader = new Utf8JsonReader(raw);
        reader.Read();
        var buffer = visitor.Scratch(raw.Length);
        var chars = buffer[..reader.CopyString(buffer.Span)];
        var text = chars.Span;
        if (text.Length < MinLength)
        {
            return true;
        }

        // The embedded document is parsed from the buffer (the parser copies it, so the walk below may reuse the buffer);
        // text that only looks like JSON is visited as text, as VisitText does.
        if (level < MaxEmbeddedLevels && LooksLikeJson(text) && TryParse(chars) is { } embedded)
        {
            using (embedded)
            {
                return Walk(embedded.RootElement, visitor, 0, level + 1, ref budget);
            }
        }

        if (visitor.MayMatch(text))
        {
            visitor.Visit(text.ToString());
        }

        return true;
    }

    private static bool VisitText(string text, JsonStringVisitor visitor, int level, ref int budget)
    {
        if (text.Length < MinLength)
        {
            return true;
        }

        if (level < MaxEmbeddedLevels && LooksLikeJson(text) && TryParse(text) is { } embedded)
        {
            using (embedded)
            {
                return Walk(embedded.RootElement, visitor, 0, level + 1, ref budget);
            }
        }

        if (visitor.MayMatch(text))
        {
            visitor.Visit(text);
        }

        return true;
    }

    private static bool LooksLikeJson(ReadOnlySpan<char> text)
    {
        var trimmed = text.Trim();
        return trimmed.Length >= 2 && ((trimmed[0] == '{' && trimmed[^1] == '}') || (trimmed[0] == '[' && trimmed[^1] == ']'));
    }

    private static JsonDocument? TryParse(string text) => TryParse(text.AsMemory());

    // JsonDocument.Parse(string) is this same call on the string's memory.
    private static JsonDocument? TryParse(ReadOnlyMemory<char> text)
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
