using System.Text;

namespace Sensor.Protocols.Dns;

/// <summary>Reads (possibly compressed) domain names, RFC 1035 §4.1.4, with loop and length guards.</summary>
public static class DnsNameReader
{
    /// <summary>
    /// Reads the name at <paramref name="offset"/> of <paramref name="message"/> into <paramref name="text"/> (dotted,
    /// without the trailing dot). <paramref name="next"/> is the offset after the name in the original position.
    /// </summary>
    public static DnsStatus Read(ReadOnlySpan<byte> message, int offset, StringBuilder text, out int next)
    {
        next = -1;
        var jumps = 0;
        var wireLength = 0;
        var at = offset;
        var segmentStart = offset; // where the labels being read began: the name's offset, then each pointer's target
        while (true)
        {
            if (at >= message.Length)
            {
                return DnsStatus.Truncated;
            }

            var length = message[at];
            switch (length & 0xC0)
            {
                case 0x00:
                    if (length == 0)
                    {
                        if (next < 0)
                        {
                            next = at + 1;
                        }

                        return DnsStatus.Ok;
                    }

                    // The limit counts the whole wire form, the terminating root label's octet included.
                    wireLength += length + 1;
                    if (wireLength + 1 > DnsLimits.MaxNameLength)
                    {
                        return DnsStatus.NameTooLong;
                    }

                    if (at + 1 + length > message.Length)
                    {
                        return DnsStatus.Truncated;
                    }

                    if (text.Length > 0)
                    {
                        text.Append('.');
                    }

                    AppendLabel(text, message.Slice(at + 1, length));
                    at += 1 + length;
                    break;

                case 0xC0:
                    // Pointer: 14-bit offset from the start of the message.
                    if (at + 1 >= message.Length)
                    {
                        return DnsStatus.Truncated;
                    }

                    if (++jumps > DnsLimits.MaxPointerJumps)
                    {
                        return DnsStatus.PointerLoop;
                    }

                    if (next < 0)
                    {
                        next = at + 2;
                    }

                    var target = ((length & 0x3F) << 8) | message[at + 1];
                    if (target >= segmentStart)
                    {
                        // RFC 1035 pointers refer to a prior occurrence. A target at or after the start of the labels just
                        // read (forward, at itself, or back into this same run) reads them again and reaches this pointer
                        // again: a loop. Each jump must go strictly before the previous one, so the walk always ends.
                        return DnsStatus.PointerLoop;
                    }

                    at = segmentStart = target;
                    break;

                default:
                    return DnsStatus.BadLabel; // 0x40/0x80: extended label types (RFC 6891) are not used in names
            }
        }
    }

    private static void AppendLabel(StringBuilder text, ReadOnlySpan<byte> label)
    {
        foreach (var b in label)
        {
            // Printable ASCII stays; anything else is escaped as \DDD (RFC 4343 presentation format).
            if (b is > 0x20 and < 0x7F and not (byte)'.' and not (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('\\').Append((b / 100) % 10).Append((b / 10) % 10).Append(b % 10);
            }
        }
    }
}
