namespace Sensor.Protocols.Dns;

/// <summary>Reads (possibly compressed) domain names, RFC 1035 §4.1.4, with loop and length guards.</summary>
public static class DnsNameReader
{
    /// <summary>Label bytes written as they are: printable ASCII but '.' and '\\' (which would read as structure).</summary>
    private static readonly System.Buffers.SearchValues<byte> s_plain = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0x21, 0x7F - 0x21).Select(b => (byte)b).Where(b => b is not (byte)'.' and not (byte)'\\')]);

    /// <summary>
    /// Appends the name at <paramref name="offset"/> of <paramref name="message"/> to <paramref name="text"/> (dotted,
    /// without the trailing dot, UTF-8). <paramref name="next"/> is the offset after the name in the original position.
    /// </summary>
    public static DnsStatus Read(ReadOnlySpan<byte> message, int offset, DnsText text, out int next)
    {
        var start = text.Length;
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

                    if (text.Length > start)
                    {
                        text.Append((byte)'.');
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

    private static void AppendLabel(DnsText text, ReadOnlySpan<byte> label)
    {
        // Printable ASCII stays; anything else is escaped as \DDD (RFC 4343 presentation format).
        if (label.IndexOfAnyExcept(s_plain) < 0)
        {
            text.Append(label);
            return;
        }

        foreach (var b in label)
        {
            if (s_plain.Contains(b))
            {
                text.Append(b);
            }
            else
            {
                text.Append((byte)'\\');
                text.Append((byte)('0' + ((b / 100) % 10)));
                text.Append((byte)('0' + ((b / 10) % 10)));
                text.Append((byte)('0' + (b % 10)));
            }
        }
    }
}
