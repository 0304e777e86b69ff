using System.Text.Json;

namespace Sensor.Threats;

/// <summary>
/// Pulls e-mail addresses out of the shapes mail APIs and tools use for recipients: a string (<c>"a@x.io"</c>,
/// <c>"A &lt;a@x.io&gt;, b@y.io"</c>), an array of strings, or objects with <c>email</c>/<c>address</c>
/// (SendGrid, Graph's <c>emailAddress.address</c>).
/// </summary>
internal static class EmailAddresses
{
    /// <summary>Addresses read from one value at most (a recipient list longer than this is itself suspicious, and bounded).</summary>
    public const int MaxAddresses = 64;

    /// <summary>Object nesting followed inside one recipient value (Graph: toRecipients[].emailAddress.address is 2).</summary>
    private const int MaxDepth = 4;

    // Separators of RFC 5322 address lists as people write them: comma, semicolon, whitespace, angle brackets, quotes.
    private static readonly System.Buffers.SearchValues<char> s_separators = System.Buffers.SearchValues.Create(",; \t\r\n<>\"'");

    public static void Collect(JsonElement value, List<string> into) => Collect(value, into, 0);

    public static void CollectFromText(ReadOnlySpan<char> text, List<string> into)
    {
        while (!text.IsEmpty && into.Count < MaxAddresses)
        {
            var cut = text.IndexOfAny(s_separators);
            var token = cut < 0 ? text : text[..cut];
            text = cut < 0 ? default : text[(cut + 1)..];
            var at = token.IndexOf('@');
            if (at > 0 && at < token.Length - 1 && token[(at + 1)..].Contains('.') && token[(at + 1)..].IndexOf('@') < 0)
            {
                into.Add(token.ToString().ToLowerInvariant());
            }
        }
    }

    private static void Collect(JsonElement value, List<string> into, int depth)
    {
        if (depth > MaxDepth || into.Count >= MaxAddresses)
        {
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                CollectFromText(value.GetString(), into);
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    Collect(item, into, depth + 1);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.NameEquals("email") || property.NameEquals("address") || property.NameEquals("Email") || property.NameEquals("emailAddress"))
                    {
                        Collect(property.Value, into, depth + 1);
                    }
                }

                break;
        }
    }
}
