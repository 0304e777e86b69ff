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
        // Observers ask for a dozen names per exchange, most of them absent: over the backing span (no enumerator
        // version checks), with the length compared before any character. Names are mostly shared literals, so a
        // match is usually the same string.
        foreach (ref readonly var header in CollectionsMarshal.AsSpan(this))
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
}
