using System.Collections.Concurrent;

namespace Sensor.Core.Payloads;

/// <summary>Where in an HTTP message a value sits; the names match the shared captures' labels and finding.location.</summary>
public static class PayloadLocation
{
    public const string RequestUrl = "request-url";
    public const string RequestBody = "request-body";
    public const string ResponseBody = "response-body";

    /// <summary>
    /// Header names whose location strings are kept, per direction: the names real traffic repeats (a few dozen per
    /// vendor) with ample room. Header names are chosen by the peer, so the cache stops growing here; names beyond it
    /// get a fresh string each time (same value, nothing degrades, so no anomaly).
    /// </summary>
    public const int MaxCachedHeaderNames = 2048;

    private const string RequestHeaderPrefix = "request-header:";
    private const string ResponseHeaderPrefix = "response-header:";

    private static readonly ConcurrentDictionary<string, string> s_request = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> s_response = new(StringComparer.Ordinal);

    // Every header value of every exchange is inspected under its location: made once per name, not once per value.
    public static string RequestHeader(string name) => Cached(s_request, RequestHeaderPrefix, name);

    public static string ResponseHeader(string name) => Cached(s_response, ResponseHeaderPrefix, name);

    /// <summary>True for the URL and any header location: short values that repeat on every request of a connection.</summary>
    public static bool IsHeaderOrUrl(string location) =>
        location == RequestUrl
        || location.StartsWith(RequestHeaderPrefix, StringComparison.Ordinal)
        || location.StartsWith(ResponseHeaderPrefix, StringComparison.Ordinal);

    private static string Cached(ConcurrentDictionary<string, string> cache, string prefix, string name)
    {
        if (cache.TryGetValue(name, out var location))
        {
            return location;
        }

        location = prefix + name;
        return cache.Count < MaxCachedHeaderNames ? cache.GetOrAdd(name, location) : location;
    }
}
