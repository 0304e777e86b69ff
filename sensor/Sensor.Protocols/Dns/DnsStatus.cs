namespace Sensor.Protocols.Dns;

/// <summary>Why a DNS message could not be read (Suricata's DNSEvent names).</summary>
public enum DnsStatus : byte
{
    Ok,
    Truncated,
    NameTooLong,
    PointerLoop,
    BadLabel,
}
