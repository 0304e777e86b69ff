namespace Sensor.Sessions.Dns;

/// <summary>
/// Addresses seen in DNS answers, mapped back to the names asked for, so a TLS flow without SNI (ECH, or a
/// client that skips it) can still be attributed. Bounded: the oldest entry goes when the cache is full.
/// </summary>
public sealed class DnsNameCache
{
    /// <summary>Enough for the working set of a busy office resolver; about 10 MB at the cap.</summary>
    public const int DefaultCapacity = 65536;

    private readonly int _capacity;
    private readonly Dictionary<UInt128, string> _names = new();
    private readonly Queue<UInt128> _order = new();

    public DnsNameCache(int capacity = DefaultCapacity)
    {
        _capacity = capacity;
    }

    public int Count => _names.Count;

    public void Add(ReadOnlySpan<byte> address, string name)
    {
        var key = Key(address);
        if (_names.TryAdd(key, name))
        {
            _order.Enqueue(key);
            if (_names.Count > _capacity)
            {
                _names.Remove(_order.Dequeue());
            }
        }
        else
        {
            _names[key] = name; // the latest answer wins for an address shared by several names
        }
    }

    /// <summary>
    /// As <see cref="Add(ReadOnlySpan{byte}, string)"/> with the name in UTF-8 (the DNS reader's form): the string is made
    /// only when the address is new or now maps to another name, not for every repeated answer.
    /// </summary>
    public void Add(ReadOnlySpan<byte> address, ReadOnlySpan<byte> nameUtf8)
    {
        var key = Key(address);
        if (_names.TryGetValue(key, out var known) && System.Text.Ascii.Equals(nameUtf8, known))
        {
            return;
        }

        Add(address, System.Text.Encoding.UTF8.GetString(nameUtf8));
    }

    public string? Lookup(System.Net.IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) && _names.TryGetValue(Key(bytes[..written]), out var name) ? name : null;
    }

    private static UInt128 Key(ReadOnlySpan<byte> address)
    {
        Span<byte> padded = stackalloc byte[16];
        address.CopyTo(padded[(16 - address.Length)..]);
        if (address.Length == 4)
        {
            padded[10] = padded[11] = 0xFF; // IPv4-mapped, as the decoder keys IPv4
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(padded);
    }
}
