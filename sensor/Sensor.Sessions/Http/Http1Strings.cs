using System.Buffers.Binary;
using System.Text;

namespace Sensor.Sessions.Http;

/// <summary>Header names and methods as strings: common ones shared, others made once per occurrence.</summary>
internal static class Http1Strings
{
    private static readonly string[] s_names =
    [
        "host", "user-agent", "accept", "accept-encoding", "accept-language", "content-type", "content-length",
        "content-encoding", "transfer-encoding", "connection", "keep-alive", "authorization", "x-api-key", "cookie",
        "set-cookie", "date", "server", "cache-control", "upgrade", "expect", "referer", "origin", "location",
        "mcp-session-id", "mcp-protocol-version", "anthropic-version", "anthropic-beta", "anthropic-organization-id",
        "openai-organization", "openai-project", "request-id", "x-request-id", "vary", "etag", "last-modified",
        "www-authenticate", "x-goog-api-key", "x-stainless-lang", "x-stainless-package-version", "x-stainless-os",
        "x-stainless-arch", "x-stainless-runtime", "x-stainless-runtime-version", "x-stainless-retry-count",
        "x-stainless-timeout", "accept-ranges", "access-control-allow-origin", "strict-transport-security",
        "sec-fetch-mode", "sec-fetch-site", "sec-fetch-dest", "x-accel-buffering", "via",
    ];

    /// <summary>
    /// Names whose values repeat across a client's or server's messages and carry no credential: their value strings
    /// are shared through <see cref="HeaderValueCache"/>. Not authorization, keys, cookies, dates, request ids or locations.
    /// </summary>
    private static readonly HashSet<string> s_repeatingValues = new(StringComparer.Ordinal)
    {
        "host", "user-agent", "accept", "accept-encoding", "accept-language", "content-type", "content-length",
        "content-encoding", "transfer-encoding", "connection", "keep-alive", "cache-control", "upgrade", "expect", "origin",
        "mcp-protocol-version", "anthropic-version", "anthropic-beta", "vary", "server", "x-stainless-lang",
        "x-stainless-package-version", "x-stainless-os", "x-stainless-arch", "x-stainless-runtime",
        "x-stainless-runtime-version", "x-stainless-retry-count", "x-stainless-timeout", "accept-ranges",
        "access-control-allow-origin", "strict-transport-security", "sec-fetch-mode", "sec-fetch-site", "sec-fetch-dest",
        "x-accel-buffering", "via",

        // Identifiers the events carry in clear anyway (mcp session_id, tenant ids), repeated on each request of a session.
        "mcp-session-id", "anthropic-organization-id", "openai-organization", "openai-project",
    };

    /// <summary>Per known name (same order as <c>s_names</c>): whether its values go through the cache.</summary>
    private static readonly bool[] s_cached = Array.ConvertAll(s_names, s_repeatingValues.Contains);

    /// <summary>Known names as words, and their letters' case bits (<see cref="Matches"/>); the names are lower-case ASCII.</summary>
    private static readonly ulong[][] s_words = Words(letterBits: false);
    private static readonly ulong[][] s_letterBits = Words(letterBits: true);

    /// <summary>Per name length, the indexes of the known names of that length (<see cref="ByLength"/>).</summary>
    private static readonly byte[][] s_byLength = ByLength();

    private static readonly string[] s_methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT"];

    /// <summary>The names shared as one string each (tests check the lookup against a plain scan of these).</summary>
    internal static IReadOnlyList<string> KnownNames => s_names;

    /// <summary>The field name lower-cased (HTTP/1.1 names are case-insensitive; the contract folds them).</summary>
    public static string Name(ReadOnlySpan<byte> name) => Name(name, out _);

    /// <summary>As <see cref="Name(ReadOnlySpan{byte})"/>; <paramref name="repeatingValue"/> says whether to use <see cref="Value"/>.</summary>
    public static string Name(ReadOnlySpan<byte> name, out bool repeatingValue)
    {
        if (Known(name, ignoreCase: true, out repeatingValue) is { } known)
        {
            return known;
        }

        return string.Create(name.Length, name, static (chars, bytes) =>
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                chars[i] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b);
            }
        });
    }

    /// <summary>The shared string of a common field name given exactly (HTTP/2 names arrive lower-case), or null.</summary>
    public static string? KnownName(ReadOnlySpan<byte> name, out bool repeatingValue) => Known(name, ignoreCase: false, out repeatingValue);

    private static string? Known(ReadOnlySpan<byte> name, bool ignoreCase, out bool repeatingValue)
    {
        // Only the few names of this length are compared (one or two for most lengths), not all of them.
        if ((uint)name.Length < (uint)s_byLength.Length)
        {
            foreach (var i in s_byLength[name.Length])
            {
                if (Matches(name, i, ignoreCase))
                {
                    repeatingValue = s_cached[i];
                    return s_names[i];
                }
            }
        }

        repeatingValue = false;
        return null;
    }

    /// <summary>
    /// <paramref name="name"/> (as long as known name <paramref name="index"/>) is that name, exactly or, with
    /// <paramref name="ignoreCase"/>, in any ASCII case: eight bytes at a time, each letter's case bit set before comparing
    /// with the lower-case name (only at letters, so '-' never matches CR), as Ascii.EqualsIgnoreCase decides it.
    /// </summary>
    private static bool Matches(ReadOnlySpan<byte> name, int index, bool ignoreCase)
    {
        var words = s_words[index];
        var letters = s_letterBits[index];
        for (var w = 0; w < words.Length; w++)
        {
            var word = Word(name, w);
            if (ignoreCase)
            {
                word |= letters[w];
            }

            if (word != words[w])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Word <paramref name="w"/> of a name: eight bytes from 8w (the last word ends at the name's end), or, for a name shorter than eight, all of it zero-padded.</summary>
    private static ulong Word(ReadOnlySpan<byte> name, int w)
    {
        if (name.Length >= sizeof(ulong))
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(name[Math.Min(w * sizeof(ulong), name.Length - sizeof(ulong))..]);
        }

        var word = 0UL;
        for (var i = 0; i < name.Length; i++)
        {
            word |= (ulong)name[i] << (i * 8);
        }

        return word;
    }

    /// <summary>Each known name's words (<see cref="Word"/>), or the 0x20 case bit at each of its letters per word.</summary>
    private static ulong[][] Words(bool letterBits) => Array.ConvertAll(s_names, known =>
    {
        var bytes = Encoding.ASCII.GetBytes(known);
        var marks = Array.ConvertAll(bytes, b => b is >= (byte)'a' and <= (byte)'z' ? (byte)0x20 : (byte)0);
        var count = Math.Max(1, (bytes.Length + sizeof(ulong) - 1) / sizeof(ulong));
        return Enumerable.Range(0, count).Select(w => Word(letterBits ? marks : bytes, w)).ToArray();
    });

    /// <summary>Indexes into <c>s_names</c> by name length: a header's name is compared only with names as long as it.</summary>
    private static byte[][] ByLength()
    {
        var table = new byte[s_names.Max(n => n.Length) + 1][];
        for (var length = 0; length < table.Length; length++)
        {
            table[length] = [.. Enumerable.Range(0, s_names.Length).Where(i => s_names[i].Length == length).Select(i => (byte)i)];
        }

        return table;
    }

    /// <summary>A field value as <see cref="Text"/>; shared with earlier equal ones when the name's values repeat.</summary>
    public static string Value(ReadOnlySpan<byte> value, bool repeating) => repeating ? HeaderValueCache.Get(value) : Text(value);

    public static string Method(ReadOnlySpan<byte> method) => KnownMethod(method) ?? Encoding.ASCII.GetString(method);

    /// <summary>The shared string of a standard method given exactly, or null.</summary>
    public static string? KnownMethod(ReadOnlySpan<byte> method)
    {
        foreach (var known in s_methods)
        {
            if (known.Length == method.Length && Ascii.Equals(method, known))
            {
                return known;
            }
        }

        return null;
    }

    /// <summary>A field value or target as text: UTF-8 where valid (clients send UTF-8), replacement characters elsewhere.</summary>
    public static string Text(ReadOnlySpan<byte> value) => value.IsEmpty ? string.Empty : Encoding.UTF8.GetString(value);

    /// <summary>The host of a Host header or absolute-form authority, without its port (events name hosts, not endpoints).</summary>
    public static string HostWithoutPort(string authority)
    {
        var host = authority.Trim();
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? host[..(close + 1)] : host;
        }

        var colon = host.LastIndexOf(':');
        return colon > 0 && host.IndexOf(':', StringComparison.Ordinal) == colon ? host[..colon] : host;
    }

    /// <summary>The authority of an absolute-form target (<c>http://host:port/path</c>), as proxies receive it.</summary>
    public static string? AuthorityOf(string target)
    {
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return null;
        }

        var start = scheme + 3;
        var end = target.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? target[start..] : target[start..end];
        var at = authority.LastIndexOf('@');
        return at >= 0 ? authority[(at + 1)..] : authority;
    }
}
