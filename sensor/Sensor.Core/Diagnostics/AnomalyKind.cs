namespace Sensor.Core.Diagnostics;

/// <summary>
/// Every malformed-input outcome and every cap the sensor can hit, by name (Suricata's DNSEvent /
/// Zeek's weird.log). <see cref="AnomalyNames"/> maps each to the <c>anomaly{layer, event}</c> pair.
/// Append only: the integer values index counter arrays.
/// </summary>
public enum AnomalyKind : byte
{
    // capture: the file or device
    CaptureTruncatedRecord,
    CaptureRecordTooLarge,
    CaptureBadBlock,
    CaptureUnknownInterface,
    CaptureUnsupportedLinkType,
    CaptureDecompressionError,
    CaptureSnapLengthTruncated,

    // decode: link, network and transport headers
    LinkTruncated,
    TooManyVlanTags,
    Ipv4Truncated,
    Ipv4BadHeaderLength,
    Ipv4BadTotalLength,
    Ipv4BadVersion,
    Ipv6Truncated,
    Ipv6BadExtensionHeader,
    Ipv6TooManyExtensionHeaders,
    TcpTruncated,
    TcpBadHeaderLength,
    UdpTruncated,
    UdpBadLength,
    IcmpTruncated,

    // defrag: IPv4 and IPv6 fragment reassembly
    FragmentOverlapDifferentData,
    FragmentTooLarge,
    FragmentTrackersFull,
    FragmentMemcap,
    FragmentIncomplete,

    // flow table
    FlowMemcapEviction,

    // TCP reassembly
    TcpOverlapDifferentData,
    TcpReassemblyGap,
    TcpStreamMemcap,
    TcpGlobalMemcap,
    TcpSegmentsCap,

    // app-layer consumer failure (a bug, quarantined to its flow)
    StreamConsumerFault,

    // live capture hand-off queue was full
    CaptureQueueFull,

    // TLS
    TlsMalformedRecord,
    TlsMalformedClientHello,
    TlsMalformedServerHello,
    TlsHandshakeTooLarge,
    TlsMalformedCertificate,

    // DNS
    DnsMalformed,
    DnsNameTooLong,
    DnsPointerLoop,

    // QUIC
    QuicInitialUndecryptable,
    QuicMalformedFrames,
    QuicMalformedClientHello,

    // decode: an IPv6 link/ether type whose header does not say version 6
    Ipv6BadVersion,

    // MCP threat detectors (classifiers/Sensor.Threats)
    McpThreatStateCap,
    McpThreatUnreadableMessage,
}
