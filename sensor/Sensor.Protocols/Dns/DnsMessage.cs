namespace Sensor.Protocols.Dns;

/// <summary>A decoded DNS message (RFC 1035 §4.1). Built per message at the event boundary.</summary>
public sealed class DnsMessage
{
    public ushort Id { get; init; }

    public bool IsResponse { get; init; }

    public int Opcode { get; init; }

    public int Rcode { get; init; }

    public bool Truncated { get; init; }

    public bool RecursionDesired { get; init; }

    public bool RecursionAvailable { get; init; }

    public bool Authoritative { get; init; }

    public List<DnsQuestion> Questions { get; } = [];

    public List<DnsRecord> Answers { get; } = [];

    public int AuthorityCount { get; init; }

    public int AdditionalCount { get; init; }
}

public sealed record DnsQuestion(string Name, ushort Type, ushort Class);

/// <summary>An answer record; <see cref="Data"/> is the presentation form of its RDATA (address, name, text...).</summary>
public sealed record DnsRecord(string Name, ushort Type, ushort Class, uint Ttl, string Data)
{
    /// <summary>For A/AAAA: the address bytes (to map addresses back to names); empty otherwise.</summary>
    public byte[] Address { get; init; } = [];
}
