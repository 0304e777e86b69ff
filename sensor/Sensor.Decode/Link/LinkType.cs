namespace Sensor.Decode.Link;

/// <summary>
/// The LINKTYPE_ values of the pcap/pcapng link-type registry that the sensor decodes
/// (tcpdump.org/linktypes.html). Others are counted and reported as unsupported.
/// </summary>
public enum LinkType : ushort
{
    /// <summary>BSD loopback: 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,
    Ethernet = 1,
    /// <summary>DLT_RAW on OpenBSD (12) and some BSDs (14): bare IPv4/IPv6.</summary>
    RawBsd12 = 12,
    RawBsd14 = 14,
    /// <summary>LINKTYPE_RAW: bare IPv4/IPv6, version nibble decides.</summary>
    Raw = 101,
    /// <summary>OpenBSD loopback: 4-byte address family in network byte order.</summary>
    Loop = 108,
    /// <summary>Linux cooked capture v1 (tcpdump -i any).</summary>
    LinuxSll = 113,
    Ipv4 = 228,
    Ipv6 = 229,
    /// <summary>Linux cooked capture v2 (tcpdump -i any since libpcap 1.10).</summary>
    LinuxSll2 = 276,
}
