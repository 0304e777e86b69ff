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

    // HTTP/1.x and content decoding (http1)
    HttpMalformedRequest,
    HttpMalformedResponse,
    HttpHeadTooLarge,
    HttpMalformedChunkedBody,
    HttpTooManyPendingRequests,
    HttpStreamGap,
    HttpContentLengthWithChunked,
    HttpResponseWithoutRequest,
    HttpCompressionBomb,
    HttpContentDecodingError,
    HttpBodyTruncated,

    // TLS decryption (key logs): keys were there but the flow could not be opened; it goes on metadata-only
    TlsDecryptFailed,
    TlsDecryptMalformedRecord,
    TlsDecryptUnsupported,
    TlsDecryptKeysIncomplete,

    // HTTP/2 and HPACK (http2)
    Http2BadPreface,
    Http2MalformedFrame,
    Http2FrameTooLarge,
    Http2HpackError,
    Http2HeaderBlockTooLarge,
    Http2ContinuationFlood,
    Http2TooManyStreams,
    Http2Gap,

    // tenant attribution: per-flow evidence or tracked-flow caps reached
    TenancyEvidenceCap,
    TenancyTrackedFlowsCap,

    // detectors: an item had more distinct findings than the per-item cap; the per-worker dedupe memory was reset
    DetectorItemFindingsCap,
    DetectorDedupeReset,

    // SSE, JSON-RPC and MCP sessions (mcp)
    SseEventTooLarge,
    McpMalformedMessage,
    McpHeaderBodyMismatch,
    McpSessionTableFull,

    // MCP threat detectors (classifiers/Sensor.Threats)
    McpThreatStateCap,
    McpThreatUnreadableMessage,

    // AI API sessions (Sensor.Sessions/AiApi): a streamed answer's joined text reached StreamedCompletion's cap
    AiCompletionTextCap,
}
