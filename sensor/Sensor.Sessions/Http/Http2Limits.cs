using Sensor.Protocols.Hpack;

namespace Sensor.Sessions.Http;

/// <summary>Caps of one HTTP/2 connection; reaching one is an <c>anomaly</c> and (except streams) stops parsing the connection.</summary>
internal static class Http2Limits
{
    /// <summary>
    /// Largest frame buffered, whatever SETTINGS_MAX_FRAME_SIZE allows (up to 16 MiB, RFC 9113 §6.5.2): 1 MiB. Browsers
    /// and servers send 16 KiB frames (the default) and nginx advertises no more; 64 times that leaves room for bulk
    /// senders while one connection cannot pin 16 MiB per direction.
    /// </summary>
    public const int MaxFrameSize = 1 << 20;

    /// <summary>A header block (HEADERS + CONTINUATION payloads), encoded: as large as the decoded list may be.</summary>
    public const int MaxHeaderBlockSize = HpackLimits.MaxHeaderListSize;

    /// <summary>
    /// CONTINUATION frames per header block: 64. A block at the cap in 16 KiB frames needs 16; the 2024 "CONTINUATION
    /// flood" (CVE-2024-27316 and kin) sends endless tiny ones, which this stops long before the block cap would.
    /// </summary>
    public const int MaxContinuationFrames = 64;

    /// <summary>
    /// Open streams tracked per connection: 256. Servers advertise SETTINGS_MAX_CONCURRENT_STREAMS of 100 (Kestrel,
    /// Go) to 128 (nginx); streams past the cap are counted and not reported, while HPACK state is still kept.
    /// </summary>
    public const int MaxOpenStreams = 256;
}
