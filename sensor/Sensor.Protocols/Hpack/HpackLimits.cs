namespace Sensor.Protocols.Hpack;

/// <summary>HPACK caps. Each reached cap is a status, which the HTTP/2 session turns into an anomaly.</summary>
public static class HpackLimits
{
    /// <summary>SETTINGS_HEADER_TABLE_SIZE before any SETTINGS frame: 4,096 octets (RFC 7540 §6.5.2).</summary>
    public const int DefaultTableSize = 4096;

    /// <summary>
    /// Absolute cap on one dynamic table, whatever SETTINGS says: 64 KiB, 16 times the default. Browsers and servers
    /// advertise 4 KiB (Chrome, nginx) or 64 KiB (Firefox, h2o); a larger one would let one connection pin memory.
    /// </summary>
    public const int MaxTableSize = 64 * 1024;

    /// <summary>
    /// Decoded header list cap (name + value + 32 per field, RFC 7540 §6.5.2 accounting): 256 KiB. Kestrel's default is
    /// 32 KiB and nginx's 4 x 8 KiB; a passive sensor must read what clients send to other servers too, so 8 times
    /// Kestrel, while a block of indexed references to a 64 KiB entry (an HPACK bomb) stops after 4 of them.
    /// </summary>
    public const int MaxHeaderListSize = 256 * 1024;

    /// <summary>One string literal (encoded length): no longer than the whole list may be.</summary>
    public const int MaxStringLength = MaxHeaderListSize;

    /// <summary>
    /// Continuation bytes of one integer (RFC 7541 §5.1): 4 carry 28 bits, which covers every length and index the
    /// caps above allow; a fifth is either an overflow or padding with zero bits used to smuggle past parsers.
    /// </summary>
    public const int MaxIntegerBytes = 4;

    /// <summary>Per-field overhead in table and list accounting (RFC 7541 §4.1).</summary>
    public const int EntryOverhead = 32;
}
