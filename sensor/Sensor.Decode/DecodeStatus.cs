namespace Sensor.Decode;

/// <summary>Outcome of decoding one frame.</summary>
public enum DecodeStatus : byte
{
    /// <summary>An IP packet with its transport header (TCP/UDP/ICMP) or another IP protocol.</summary>
    Ok,
    /// <summary>Not IP (ARP, LLDP, STP...): counted, no flow.</summary>
    NotIp,
    /// <summary>An IP fragment: <see cref="DecodedPacket"/> describes it for the defragmenter.</summary>
    Fragment,
    /// <summary>Malformed or truncated: <see cref="DecodedPacket.Anomaly"/> says which.</summary>
    Invalid,
    /// <summary>The link type is not decoded.</summary>
    UnsupportedLink,
}
