namespace Sensor.Protocols.Hpack;

/// <summary>Outcome of decoding one header block (RFC 7541 §2.3 "decoding error" split by cause). Wire input never throws.</summary>
public enum HpackStatus : byte
{
    Done,

    /// <summary>The block ended inside a representation (integer, string or index).</summary>
    Truncated,

    /// <summary>An index beyond the static plus dynamic table (RFC 7541 §2.3.3), or index 0.</summary>
    BadIndex,

    /// <summary>An integer longer than <see cref="HpackLimits.MaxIntegerBytes"/> or above int range.</summary>
    IntegerOverflow,

    /// <summary>A Huffman string with an EOS symbol or padding longer than 7 bits or not all ones (RFC 7541 §5.2).</summary>
    BadHuffman,

    /// <summary>A string literal longer than <see cref="HpackLimits.MaxStringLength"/>.</summary>
    StringTooLong,

    /// <summary>A dynamic table size update above the bound the peer's SETTINGS_HEADER_TABLE_SIZE allows (RFC 7541 §6.3).</summary>
    TableSizeTooLarge,

    /// <summary>A dynamic table size update after the first header field of the block (RFC 7541 §4.2).</summary>
    TableSizeUpdateMisplaced,

    /// <summary>The decoded header list passed <see cref="HpackDecoder.MaxHeaderListSize"/> (HPACK bomb guard).</summary>
    HeaderListTooLarge,
}
