namespace Sensor.Core.Diagnostics;

/// <summary>The <c>anomaly.layer</c> and <c>anomaly.event</c> names of each <see cref="AnomalyKind"/>. Names are a contract.</summary>
public static class AnomalyNames
{
    /// <summary>Number of kinds (the enum is dense from 0), for counter arrays.</summary>
    public static readonly int Count = Enum.GetValues<AnomalyKind>().Length;

    private static readonly (string Layer, string Event)[] s_names = Build();

    public static string Layer(AnomalyKind kind) => s_names[(int)kind].Layer;

    public static string Event(AnomalyKind kind) => s_names[(int)kind].Event;

    /// <summary>Suricata's coarse <c>anomaly.type</c>: <c>decode</c>, <c>stream</c> or <c>applayer</c>.</summary>
    public static string Type(AnomalyKind kind) => Layer(kind) switch
    {
        "stream" or "flow" => "stream",
        "app" or "tls" or "dns" or "quic" or "http" or "http2" => "applayer",

        "app" or "tls" or "dns" or "quic" or "detect" => "applayer",
        _ => "decode",
    };

    private static (string, string)[] Build()
    {
        var n = new (string, string)[Count];
        n[(int)AnomalyKind.CaptureTruncatedRecord] = ("capture", "truncated_record");
        n[(int)AnomalyKind.CaptureRecordTooLarge] = ("capture", "record_too_large");
        n[(int)AnomalyKind.CaptureBadBlock] = ("capture", "bad_block");
        n[(int)AnomalyKind.CaptureUnknownInterface] = ("capture", "unknown_interface");
        n[(int)AnomalyKind.CaptureUnsupportedLinkType] = ("capture", "unsupported_link_type");
        n[(int)AnomalyKind.CaptureDecompressionError] = ("capture", "decompression_error");
        n[(int)AnomalyKind.CaptureSnapLengthTruncated] = ("capture", "snaplen_truncated");
        n[(int)AnomalyKind.LinkTruncated] = ("decode", "link_truncated");
        n[(int)AnomalyKind.TooManyVlanTags] = ("decode", "too_many_vlan_tags");
        n[(int)AnomalyKind.Ipv4Truncated] = ("ipv4", "truncated");
        n[(int)AnomalyKind.Ipv4BadHeaderLength] = ("ipv4", "bad_header_length");
        n[(int)AnomalyKind.Ipv4BadTotalLength] = ("ipv4", "bad_total_length");
        n[(int)AnomalyKind.Ipv4BadVersion] = ("ipv4", "bad_version");
        n[(int)AnomalyKind.Ipv6Truncated] = ("ipv6", "truncated");
        n[(int)AnomalyKind.Ipv6BadExtensionHeader] = ("ipv6", "bad_extension_header");
        n[(int)AnomalyKind.Ipv6TooManyExtensionHeaders] = ("ipv6", "too_many_extension_headers");
        n[(int)AnomalyKind.TcpTruncated] = ("tcp", "truncated");
        n[(int)AnomalyKind.TcpBadHeaderLength] = ("tcp", "bad_header_length");
        n[(int)AnomalyKind.UdpTruncated] = ("udp", "truncated");
        n[(int)AnomalyKind.UdpBadLength] = ("udp", "bad_length");
        n[(int)AnomalyKind.IcmpTruncated] = ("icmp", "truncated");
        n[(int)AnomalyKind.FragmentOverlapDifferentData] = ("defrag", "overlap_different_data");
        n[(int)AnomalyKind.FragmentTooLarge] = ("defrag", "too_large");
        n[(int)AnomalyKind.FragmentTrackersFull] = ("defrag", "trackers_full");
        n[(int)AnomalyKind.FragmentMemcap] = ("defrag", "memcap");
        n[(int)AnomalyKind.FragmentIncomplete] = ("defrag", "incomplete");
        n[(int)AnomalyKind.FlowMemcapEviction] = ("flow", "memcap_eviction");
        n[(int)AnomalyKind.TcpOverlapDifferentData] = ("stream", "overlap_different_data");
        n[(int)AnomalyKind.TcpReassemblyGap] = ("stream", "reassembly_gap");
        n[(int)AnomalyKind.TcpStreamMemcap] = ("stream", "stream_memcap");
        n[(int)AnomalyKind.TcpGlobalMemcap] = ("stream", "reassembly_memcap");
        n[(int)AnomalyKind.TcpSegmentsCap] = ("stream", "too_many_segments");
        n[(int)AnomalyKind.StreamConsumerFault] = ("app", "consumer_fault");
        n[(int)AnomalyKind.CaptureQueueFull] = ("capture", "queue_full");
        n[(int)AnomalyKind.TlsMalformedRecord] = ("tls", "malformed_record");
        n[(int)AnomalyKind.TlsMalformedClientHello] = ("tls", "malformed_client_hello");
        n[(int)AnomalyKind.TlsMalformedServerHello] = ("tls", "malformed_server_hello");
        n[(int)AnomalyKind.TlsHandshakeTooLarge] = ("tls", "handshake_too_large");
        n[(int)AnomalyKind.TlsMalformedCertificate] = ("tls", "malformed_certificate");
        n[(int)AnomalyKind.DnsMalformed] = ("dns", "malformed");
        n[(int)AnomalyKind.DnsNameTooLong] = ("dns", "name_too_long");
        n[(int)AnomalyKind.DnsPointerLoop] = ("dns", "pointer_loop");
        n[(int)AnomalyKind.QuicInitialUndecryptable] = ("quic", "initial_undecryptable");
        n[(int)AnomalyKind.QuicMalformedFrames] = ("quic", "malformed_frames");
        n[(int)AnomalyKind.QuicMalformedClientHello] = ("quic", "malformed_client_hello");
        n[(int)AnomalyKind.Ipv6BadVersion] = ("ipv6", "bad_version");
        n[(int)AnomalyKind.HttpMalformedRequest] = ("http", "malformed_request");
        n[(int)AnomalyKind.HttpMalformedResponse] = ("http", "malformed_response");
        n[(int)AnomalyKind.HttpHeadTooLarge] = ("http", "head_too_large");
        n[(int)AnomalyKind.HttpMalformedChunkedBody] = ("http", "malformed_chunked_body");
        n[(int)AnomalyKind.HttpTooManyPendingRequests] = ("http", "too_many_pending_requests");
        n[(int)AnomalyKind.HttpStreamGap] = ("http", "gap");
        n[(int)AnomalyKind.HttpContentLengthWithChunked] = ("http", "content_length_with_chunked");
        n[(int)AnomalyKind.HttpResponseWithoutRequest] = ("http", "response_without_request");
        n[(int)AnomalyKind.HttpCompressionBomb] = ("http", "compression_bomb");
        n[(int)AnomalyKind.HttpContentDecodingError] = ("http", "content_decoding_error");
        n[(int)AnomalyKind.HttpBodyTruncated] = ("http", "body_truncated");
        n[(int)AnomalyKind.TlsDecryptFailed] = ("tls", "decrypt_failed");
        n[(int)AnomalyKind.TlsDecryptMalformedRecord] = ("tls", "decrypt_malformed_record");
        n[(int)AnomalyKind.TlsDecryptUnsupported] = ("tls", "decrypt_unsupported");
        n[(int)AnomalyKind.TlsDecryptKeysIncomplete] = ("tls", "decrypt_keys_incomplete");
        n[(int)AnomalyKind.Http2BadPreface] = ("http2", "bad_preface");
        n[(int)AnomalyKind.Http2MalformedFrame] = ("http2", "malformed_frame");
        n[(int)AnomalyKind.Http2FrameTooLarge] = ("http2", "frame_too_large");
        n[(int)AnomalyKind.Http2HpackError] = ("http2", "hpack_error");
        n[(int)AnomalyKind.Http2HeaderBlockTooLarge] = ("http2", "header_block_too_large");
        n[(int)AnomalyKind.Http2ContinuationFlood] = ("http2", "continuation_flood");
        n[(int)AnomalyKind.Http2TooManyStreams] = ("http2", "too_many_streams");
        n[(int)AnomalyKind.Http2Gap] = ("http2", "gap");

        n[(int)AnomalyKind.TenancyEvidenceCap] = ("app", "tenancy_evidence_cap");
        n[(int)AnomalyKind.TenancyTrackedFlowsCap] = ("app", "tenancy_tracked_flows_cap");

        n[(int)AnomalyKind.DetectorItemFindingsCap] = ("detect", "item_findings_cap");
        n[(int)AnomalyKind.DetectorDedupeReset] = ("detect", "dedupe_reset");

        n[(int)AnomalyKind.SseEventTooLarge] = ("sse", "event_too_large");
        n[(int)AnomalyKind.McpMalformedMessage] = ("mcp", "malformed_message");
        n[(int)AnomalyKind.McpHeaderBodyMismatch] = ("mcp", "header_body_mismatch");
        n[(int)AnomalyKind.McpSessionTableFull] = ("mcp", "session_table_full");

        n[(int)AnomalyKind.McpThreatStateCap] = ("app", "mcp_threat_state_cap");
        n[(int)AnomalyKind.McpThreatUnreadableMessage] = ("app", "mcp_threat_unreadable_message");

        n[(int)AnomalyKind.AiCompletionTextCap] = ("app", "ai_completion_text_cap");
        return n;
    }
}
