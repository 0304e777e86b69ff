namespace Sensor.Protocols.Hpack;

/// <summary>
/// HPACK integers (RFC 7541 §5.1):
/// <code>
///   0   1   2   3   4   5   6   7
/// +---+---+---+---+---+---+---+---+
/// | ? | ? | ? |       Value       |   prefix of N bits; all ones means "continues"
/// +---+---+---+-------------------+
/// | 1 |    Value-(2^N-1) LSB      |   7 bits per byte, least significant first
/// +---+---------------------------+
/// | 0 |    Value-(2^N-1) MSB      |
/// +---+---------------------------+
/// </code>
/// </summary>
public static class HpackInteger
{
    /// <summary>Reads the integer whose prefix sits in the low <paramref name="prefixBits"/> of <c>block[pos]</c>.</summary>
    public static HpackStatus Read(ReadOnlySpan<byte> block, ref int pos, int prefixBits, out int value)
    {
        value = 0;
        if ((uint)pos >= (uint)block.Length)
        {
            return HpackStatus.Truncated;
        }

        var mask = (1 << prefixBits) - 1;
        var result = block[pos] & mask;
        var at = pos + 1;
        if (result == mask)
        {
            var shift = 0;
            for (var i = 0; ; i++)
            {
                if (i == HpackLimits.MaxIntegerBytes)
                {
                    return HpackStatus.IntegerOverflow;
                }

                if ((uint)at >= (uint)block.Length)
                {
                    return HpackStatus.Truncated;
                }

                var b = block[at++];
                result += (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }
        }

        pos = at;
        value = result;
        return HpackStatus.Done;
    }
}
