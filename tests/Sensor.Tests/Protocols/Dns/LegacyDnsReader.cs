using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Sensor.Protocols.Dns;

namespace Sensor.Tests.Protocols.Dns;

// The DNS reader and dns event body as they were before the UTF-8 text (DnsText), kept verbatim (renamed) as the
// oracle of DnsTextEquivalenceTests: the new path must give the same strings, statuses and event bytes.
#pragma warning disable

/// <summary>A decoded DNS message (RFC 1035 §4.1). Built per message at the event boundary.</summary>
internal sealed class LegacyDnsMessage
{
    public ushort Id { get; init; }

    public bool IsResponse { get; init; }

    public int Opcode { get; init; }

    public int Rcode { get; init; }

    public bool Truncated { get; init; }

    public bool RecursionDesired { get; init; }

    public bool RecursionAvailable { get; init; }

    public bool Authoritative { get; init; }

    public List<LegacyDnsQuestion> Questions { get; } = [];

    public List<LegacyDnsRecord> Answers { get; } = [];

    public int AuthorityCount { get; init; }

    public int AdditionalCount { get; init; }
}

internal sealed record LegacyDnsQuestion(string Name, ushort Type, ushort Class);

/// <summary>An answer record; <see cref="Data"/> is the presentation form of its RDATA (address, name, text...).</summary>
internal sealed record LegacyDnsRecord(string Name, ushort Type, ushort Class, uint Ttl, string Data)
{
    /// <summary>For A/AAAA: the address bytes (to map addresses back to names); empty otherwise.</summary>
    public byte[] Address { get; init; } = [];
}

/// <summary>Reads a DNS message (RFC 1035 §4.1): header, questions and answer records. Never throws on wire data.</summary>
internal static class LegacyDnsMessageReader
{
    //                                 1  1  1  1  1  1
    //   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
    // |                      ID                       |
    // |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
    // |                    QDCOUNT                    |
    // |                    ANCOUNT                    |
    // |                    NSCOUNT                    |
    // |                    ARCOUNT                    |
    public const int HeaderLength = 12;

    /// <summary>Bytes of unknown RDATA shown as hex in events; the rest is cut.</summary>
    private const int MaxHexRdata = 64;

    /// <summary>Per thread, reused: names are built here and copied out once as strings (a message is read on one thread).</summary>
    [ThreadStatic]
    private static StringBuilder? t_name;

    public static DnsStatus Read(ReadOnlySpan<byte> message, out LegacyDnsMessage? result)
    {
        result = null;
        if (message.Length < HeaderLength)
        {
            return DnsStatus.Truncated;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var dns = new LegacyDnsMessage
        {
            Id = BinaryPrimitives.ReadUInt16BigEndian(message),
            IsResponse = (flags & 0x8000) != 0,
            Opcode = (flags >> 11) & 0xF,
            Authoritative = (flags & 0x0400) != 0,
            Truncated = (flags & 0x0200) != 0,
            RecursionDesired = (flags & 0x0100) != 0,
            RecursionAvailable = (flags & 0x0080) != 0,
            Rcode = flags & 0xF,
            AuthorityCount = BinaryPrimitives.ReadUInt16BigEndian(message[8..]),
            AdditionalCount = BinaryPrimitives.ReadUInt16BigEndian(message[10..]),
        };
        result = dns;

        var at = HeaderLength;
        var name = t_name ??= new StringBuilder(DnsLimits.MaxNameLength);
        for (var i = 0; i < questions; i++)
        {
            name.Clear();
            var status = LegacyDnsNameReader.Read(message, at, name, out at);
            if (status != DnsStatus.Ok)
            {
                return status;
            }

            if (at + 4 > message.Length)
            {
                return DnsStatus.Truncated;
            }

            if (dns.Questions.Count < DnsLimits.MaxRecordsPerSection)
            {
                dns.Questions.Add(new LegacyDnsQuestion(name.ToString(), BinaryPrimitives.ReadUInt16BigEndian(message[at..]), BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..])));
            }

            at += 4;
        }

        for (var i = 0; i < answers; i++)
        {
            name.Clear();
            var status = LegacyDnsNameReader.Read(message, at, name, out at);
            if (status != DnsStatus.Ok)
            {
                return status;
            }

            // TYPE(2) CLASS(2) TTL(4) RDLENGTH(2) RDATA
            if (at + 10 > message.Length)
            {
                return DnsStatus.Truncated;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            var klass = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(at + 4)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 8)..]);
            var rdata = at + 10;
            if (rdata + length > message.Length)
            {
                return DnsStatus.Truncated;
            }

            if (dns.Answers.Count < DnsLimits.MaxRecordsPerSection)
            {
                var (text, address, rdataStatus) = FormatRdata(message, rdata, length, type);
                if (rdataStatus != DnsStatus.Ok)
                {
                    return rdataStatus;
                }

                dns.Answers.Add(new LegacyDnsRecord(name.ToString(), type, klass, ttl, text) { Address = address });
            }

            at = rdata + length;
        }

        return DnsStatus.Ok;
    }

    private static (string Text, byte[] Address, DnsStatus Status) FormatRdata(ReadOnlySpan<byte> message, int offset, int length, ushort type)
    {
        var rdata = message.Slice(offset, length);
        switch (type)
        {
            case DnsRecordTypes.A when length == 4:
            case DnsRecordTypes.Aaaa when length == 16:
                var bytes = rdata.ToArray();
                return (length == 4 ? Ipv4Text(bytes) : new IPAddress(bytes).ToString(), bytes, DnsStatus.Ok);

            case DnsRecordTypes.Cname:
            case DnsRecordTypes.Ns:
            case DnsRecordTypes.Ptr:
            case DnsRecordTypes.Dname:
                return NameAt(message, offset);

            case DnsRecordTypes.Mx when length > 2:
            {
                var (exchange, _, status) = NameAt(message, offset + 2);
                return (string.Create(CultureInfo.InvariantCulture, $"{BinaryPrimitives.ReadUInt16BigEndian(rdata)} {exchange}"), [], status);
            }

            case DnsRecordTypes.Txt:
                return (TxtStrings(rdata), [], DnsStatus.Ok);

            case DnsRecordTypes.Https:
            case DnsRecordTypes.Svcb:
                return SvcbText(message, offset, length);

            default:
                return (Convert.ToHexStringLower(rdata[..Math.Min(length, MaxHexRdata)]), [], DnsStatus.Ok);
        }
    }

    /// <summary>Dotted quad, as <see cref="IPAddress.ToString"/> writes it, without the IPAddress object.</summary>
    private static string Ipv4Text(byte[] address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address[0]}.{address[1]}.{address[2]}.{address[3]}");

    private static (string, byte[], DnsStatus) NameAt(ReadOnlySpan<byte> message, int offset)
    {
        var text = new StringBuilder(64);
        var status = LegacyDnsNameReader.Read(message, offset, text, out _);
        return (text.ToString(), [], status);
    }

    private static string TxtStrings(ReadOnlySpan<byte> rdata)
    {
        // One or more <character-string>: length(1) text.
        var text = new StringBuilder();
        for (var at = 0; at < rdata.Length;)
        {
            var length = Math.Min(rdata[at], rdata.Length - at - 1);
            foreach (var b in rdata.Slice(at + 1, length))
            {
                text.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
            }

            at += 1 + length;
        }

        return text.ToString();
    }

    /// <summary>RFC 9460 presentation form: "priority target key=value ..." with alpn, port and address hints decoded.</summary>
    private static (string, byte[], DnsStatus) SvcbText(ReadOnlySpan<byte> message, int offset, int length)
    {
        if (length < 3)
        {
            return ("", [], DnsStatus.Truncated);
        }

        var end = offset + length;
        var text = new StringBuilder();
        text.Append(BinaryPrimitives.ReadUInt16BigEndian(message[offset..])).Append(' ');
        var target = new StringBuilder();
        var status = LegacyDnsNameReader.Read(message[..end], offset + 2, target, out var at);
        if (status != DnsStatus.Ok)
        {
            return ("", [], status);
        }

        text.Append(target.Length == 0 ? "." : target.ToString());
        while (at + 4 <= end)
        {
            var key = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
            if (at + 4 + valueLength > end)
            {
                return ("", [], DnsStatus.Truncated);
            }

            var value = message.Slice(at + 4, valueLength);
            text.Append(' ').Append(SvcParamName(key)).Append('=');
            AppendSvcValue(text, key, value);
            at += 4 + valueLength;
        }

        return (text.ToString(), [], DnsStatus.Ok);
    }

    private static string SvcParamName(ushort key) => key switch
    {
        0 => "mandatory",
        1 => "alpn",
        2 => "no-default-alpn",
        3 => "port",
        4 => "ipv4hint",
        5 => "ech",
        6 => "ipv6hint",
        _ => "key" + key.ToString(CultureInfo.InvariantCulture),
    };

    private static void AppendSvcValue(StringBuilder text, ushort key, ReadOnlySpan<byte> value)
    {
        switch (key)
        {
            case 1: // alpn: length-prefixed ids
                for (var at = 0; at < value.Length;)
                {
                    var length = Math.Min(value[at], value.Length - at - 1);
                    if (at > 0)
                    {
                        text.Append(',');
                    }

                    text.Append(Encoding.ASCII.GetString(value.Slice(at + 1, length)));
                    at += 1 + length;
                }

                break;
            case 3 when value.Length == 2:
                text.Append(BinaryPrimitives.ReadUInt16BigEndian(value));
                break;
            case 4:
            case 6:
                var size = key == 4 ? 4 : 16;
                for (var at = 0; at + size <= value.Length; at += size)
                {
                    if (at > 0)
                    {
                        text.Append(',');
                    }

                    text.Append(new IPAddress(value.Slice(at, size)));
                }

                break;
            case 5:
                // An ECHConfigList: say it is there (the client can hide its SNI), not its bytes.
                text.Append('<').Append(value.Length).Append(" bytes>");
                break;
            default:
                text.Append(Convert.ToHexStringLower(value[..Math.Min(value.Length, MaxHexRdata)]));
                break;
        }
    }
}

/// <summary>Reads (possibly compressed) domain names, RFC 1035 §4.1.4, with loop and length guards.</summary>
internal static class LegacyDnsNameReader
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

internal static class LegacyDnsEventBody
{
    public static void Write(Utf8JsonWriter writer, LegacyDnsMessage m)
    {
        writer.WriteStartObject("dns"u8);
        writer.WriteString("type"u8, m.IsResponse ? "answer"u8 : "query"u8);
        writer.WriteNumber("id"u8, m.Id);
        if (m.Questions.Count > 0)
        {
            writer.WriteString("rrname"u8, m.Questions[0].Name);
            writer.WriteString("rrtype"u8, DnsRecordTypes.Name(m.Questions[0].Type));
        }

        if (m.IsResponse)
        {
            writer.WriteString("rcode"u8, DnsRecordTypes.RcodeName(m.Rcode));
            writer.WriteStartArray("answers"u8);
            foreach (var answer in m.Answers)
            {
                writer.WriteStartObject();
                writer.WriteString("rrname"u8, answer.Name);
                writer.WriteString("rrtype"u8, DnsRecordTypes.Name(answer.Type));
                writer.WriteString("rdata"u8, answer.Data);
                writer.WriteNumber("ttl"u8, answer.Ttl);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteStartObject("flags"u8);
        writer.WriteBoolean("rd"u8, m.RecursionDesired);
        if (m.IsResponse)
        {
            writer.WriteBoolean("ra"u8, m.RecursionAvailable);
            writer.WriteBoolean("aa"u8, m.Authoritative);
            writer.WriteBoolean("tc"u8, m.Truncated);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
