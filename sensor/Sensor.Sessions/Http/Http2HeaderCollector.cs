using System.Text;
using Sensor.Core.Payloads;
using Sensor.Protocols.Hpack;

namespace Sensor.Sessions.Http;

/// <summary>
/// Turns one decoded header block into pseudo-header fields and a header list. Reused for every block of a
/// connection; only the strings it hands to the exchange are allocated.
/// </summary>
internal sealed class Http2HeaderCollector
{
    /// <summary>The list being filled: the exchange's own, or a throw-away one; set by <see cref="Reset"/> before each block.</summary>
    public HttpHeaderList Headers { get; private set; } = null!;

    public string? Method { get; private set; }

    public string? Scheme { get; private set; }

    public string? Authority { get; private set; }

    public string? Path { get; private set; }

    public int? Status { get; private set; }

    public void Reset(HttpHeaderList target)
    {
        target.EnsureCapacity(HttpHeaderList.InitialCapacity); // fields are not counted before decoding: the usual room
        Headers = target;
        Method = Scheme = Authority = Path = null;
        Status = null;
    }

    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (!name.IsEmpty && name[0] == (byte)':')
        {
            // Methods, schemes and authorities repeat on every request of a connection: shared strings, not new ones.
            if (name.SequenceEqual(":method"u8))
            {
                Method = Http1Strings.KnownMethod(value) ?? Encoding.UTF8.GetString(value);
            }
            else if (name.SequenceEqual(":scheme"u8))
            {
                Scheme = value.SequenceEqual("https"u8) ? "https" : value.SequenceEqual("http"u8) ? "http" : Encoding.UTF8.GetString(value);
            }
            else if (name.SequenceEqual(":authority"u8))
            {
                Authority = HeaderValueCache.Get(value);
            }
            else if (name.SequenceEqual(":path"u8))
            {
                Path = Encoding.UTF8.GetString(value);
            }
            else if (name.SequenceEqual(":status"u8) && int.TryParse(value, out var status))
            {
                Status = status;
            }

            return;
        }

        var known = Http1Strings.KnownName(name, out var repeating);
        Headers.Add(new HttpHeader(known ?? Encoding.ASCII.GetString(name), Http1Strings.Value(value, repeating)));
    }

    /// <summary>The struct handed to the HPACK decoder (devirtualised calls into this collector).</summary>
    public readonly struct Handler(Http2HeaderCollector owner) : IHpackHeaderHandler
    {
        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => owner.Add(name, value);
    }
}
