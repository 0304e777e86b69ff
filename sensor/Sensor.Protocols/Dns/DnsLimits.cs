namespace Sensor.Protocols.Dns;

/// <summary>Caps of the DNS reader, with where their values come from.</summary>
public static class DnsLimits
{
    /// <summary>RFC 1035 §2.3.4: a name is at most 255 octets on the wire (253 characters in text).</summary>
    public const int MaxNameLength = 255;

    /// <summary>
    /// Compression pointers followed while reading one name. A name has at most 127 labels, so more
    /// jumps than that can only be a loop (Suricata's DNSEvent::InfiniteLoop guards the same).
    /// </summary>
    public const int MaxPointerJumps = 127;

    /// <summary>Records reported per section: real answers rarely exceed a few dozen; bounds hostile counts.</summary>
    public const int MaxRecordsPerSection = 256;
}
