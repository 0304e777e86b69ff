using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sensor.Core.Payloads;

/// <summary>A message's headers in wire order. Small lists: a linear search beats a dictionary here.</summary>
public sealed class HttpHeaderList : List<HttpHeader>
{
    /// <summary>
    /// Room a producer that cannot count its fields first reserves (HTTP/2): AI SDK requests carry 15-20 fields (the
    /// x-stainless-* family alone is eight), so a list growing from 4 would be copied three times per message.
    /// </summary>
    public const int InitialCapacity = 16;

    /// <summary>
    /// Lists this long or longer answer <see cref="Get"/> through the name filter first: below it, reading the few
    /// names costs no more than checking the filter is current.
    /// </summary>
    private const int FilterFrom = 4;

    /// <summary>One bit per name hash (<see cref="Bit"/>) of the names in the list, as of <see cref="_filterVersion"/>.</summary>
    private ulong _filter;

    /// <summary>The list's version (<see cref="Version"/>) the filter was built at; meaningless until <see cref="_hasFilter"/>.</summary>
    private int _filterVersion;
    private bool _hasFilter;

    /// <summary>
    /// An empty list with no storage yet: each exchange has two, and the producer reserves what it is about to add
    /// (HTTP/1.1 counts the lines of the head; HTTP/2 reserves <see cref="InitialCapacity"/>), so a list is allocated once,
    /// at its size, and not at all for a response that never comes.
    /// </summary>
    public HttpHeaderList()
    {
    }

    /// <summary>The first value of <paramref name="name"/> (lower-case), or null.</summary>
    public string? Get(string name)
    {
        // Observers ask for a dozen or two names per exchange, most of them absent: a 64-bit filter of the names present
        // answers most misses without reading a header, and the scan compares lengths before characters.
        var headers = CollectionsMarshal.AsSpan(this);
        if (headers.Length >= FilterFrom && (CurrentFilter(headers) & Bit(name)) == 0)
        {
            return null;
        }

        foreach (ref readonly var header in headers)
        {
            var candidate = header.Name;
            if (ReferenceEquals(candidate, name)
                || (candidate?.Length == name.Length && candidate.AsSpan().SequenceEqual(name)))
            {
                return header.Value;
            }
        }

        return null;
    }

    public bool Contains(string name) => Get(name) is not null;

    /// <summary>
    /// The filter for the list as it is now. List&lt;T&gt; counts every change in its version (Add, Clear, the indexer,
    /// Remove, Insert, through any reference to the list), so a filter built at the current version is exact. Only a
    /// write through CollectionsMarshal.AsSpan bypasses the version: header lists are read that way, never written.
    /// </summary>
    private ulong CurrentFilter(ReadOnlySpan<HttpHeader> headers)
    {
        var version = Version(this);
        if (_hasFilter && _filterVersion == version)
        {
            return _filter;
        }

        var filter = 0UL;
        foreach (ref readonly var header in headers)
        {
            filter |= header.Name is { } name ? Bit(name) : ulong.MaxValue;
        }

        _filter = filter;
        _filterVersion = version;
        _hasFilter = true;
        return filter;
    }

    /// <summary>A bit from the length and last character: the names asked for (fixed lower-case literals) spread over it.</summary>
    private static ulong Bit(string name) => 1UL << (name.Length == 0 ? 0 : (int)((uint)((name.Length * 7) + name[^1]) & 63));

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_version")]
    private static extern ref int Version(List<HttpHeader> list);
}
