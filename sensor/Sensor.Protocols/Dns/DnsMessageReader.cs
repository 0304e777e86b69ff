using System.Buffers.Binary;

namespace Sensor.Protocols.Dns;

/// <summary>Reads a DNS message (RFC 1035 §4.1): header, questions and answer records. Never throws on wire data.</summary>
public static class DnsMessageReader
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

    /// <summary>Per thread, reused: a message is read on one thread, into this text and these entries, then copied out once.</summary>
    [ThreadStatic]
    private static Scratch? t_scratch;

    public static DnsStatus Read(ReadOnlySpan<byte> message, out DnsMessage? result)
    {
        result = null;
        if (message.Length < HeaderLength)
        {
            return DnsStatus.Truncated;
        }

        var scratch = t_scratch ??= new Scratch();
        scratch.Clear();
        var status = ReadSections(message, scratch);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var (questions, onlyQuestion, answers) = scratch.ToRecords();
        result = new DnsMessage(questions, onlyQuestion, answers)
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
        return status;
    }

    /// <summary>Questions and answers into <paramref name="scratch"/>; what was read before a malformed part is kept.</summary>
    private static DnsStatus ReadSections(ReadOnlySpan<byte> message, Scratch scratch)
    {
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var text = scratch.Text;
        var at = HeaderLength;
        for (var i = 0; i < questions; i++)
        {
            var nameStart = text.Length;
            var status = DnsNameReader.Read(message, at, text, out at);
            if (status != DnsStatus.Ok)
            {
                text.Truncate(nameStart);
                return status;
            }

            if (at + 4 > message.Length)
            {
                text.Truncate(nameStart);
                return DnsStatus.Truncated;
            }

            if (scratch.Questions.Count < DnsLimits.MaxRecordsPerSection)
            {
                scratch.Questions.Add((nameStart, text.Length - nameStart, BinaryPrimitives.ReadUInt16BigEndian(message[at..]), BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..])));
            }
            else
            {
                text.Truncate(nameStart);
            }

            at += 4;
        }

        for (var i = 0; i < answers; i++)
        {
            var nameStart = text.Length;
            var status = DnsNameReader.Read(message, at, text, out at);
            if (status != DnsStatus.Ok)
            {
                text.Truncate(nameStart);
                return status;
            }

            // TYPE(2) CLASS(2) TTL(4) RDLENGTH(2) RDATA
            var nameLength = text.Length - nameStart;
            if (at + 10 > message.Length)
            {
                text.Truncate(nameStart);
                return DnsStatus.Truncated;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            var klass = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(at + 4)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 8)..]);
            var rdata = at + 10;
            if (rdata + length > message.Length)
            {
                text.Truncate(nameStart);
                return DnsStatus.Truncated;
            }

            if (scratch.Answers.Count < DnsLimits.MaxRecordsPerSection)
            {
                var dataStart = text.Length;
                var rdataStatus = FormatRdata(message, rdata, length, type, text);
                if (rdataStatus != DnsStatus.Ok)
                {
                    text.Truncate(nameStart);
                    return rdataStatus;
                }

                var dataLength = text.Length - dataStart;
                var addressLength = 0;
                if (type is DnsRecordTypes.A or DnsRecordTypes.Aaaa && length == (type == DnsRecordTypes.A ? 4 : 16))
                {
                    text.Append(message.Slice(rdata, length));
                    addressLength = length;
                }

                scratch.Answers.Add((new DnsRecord.Layout(nameStart, nameLength, dataLength, addressLength), type, klass, ttl));
            }
            else
            {
                text.Truncate(nameStart);
            }

            at = rdata + length;
        }

        return DnsStatus.Ok;
    }

    /// <summary>Appends the presentation form of one record's RDATA to <paramref name="text"/>.</summary>
    private static DnsStatus FormatRdata(ReadOnlySpan<byte> message, int offset, int length, ushort type, DnsText text)
    {
        var rdata = message.Slice(offset, length);
        switch (type)
        {
            case DnsRecordTypes.A when length == 4:
                text.AppendIpv4(rdata);
                return DnsStatus.Ok;

            case DnsRecordTypes.Aaaa when length == 16:
                text.AppendIpv6(rdata);
                return DnsStatus.Ok;

            case DnsRecordTypes.Cname:
            case DnsRecordTypes.Ns:
            case DnsRecordTypes.Ptr:
            case DnsRecordTypes.Dname:
                return DnsNameReader.Read(message, offset, text, out _);

            case DnsRecordTypes.Mx when length > 2:
                text.AppendDecimal(BinaryPrimitives.ReadUInt16BigEndian(rdata));
                text.Append((byte)' ');
                return DnsNameReader.Read(message, offset + 2, text, out _);

            case DnsRecordTypes.Txt:
                TxtStrings(rdata, text);
                return DnsStatus.Ok;

            case DnsRecordTypes.Https:
            case DnsRecordTypes.Svcb:
                return SvcbText(message, offset, length, text);

            default:
                text.AppendHexLower(rdata[..Math.Min(length, MaxHexRdata)]);
                return DnsStatus.Ok;
        }
    }

    private static void TxtStrings(ReadOnlySpan<byte> rdata, DnsText text)
    {
        // One or more <character-string>: length(1) text.
        for (var at = 0; at < rdata.Length;)
        {
            var length = Math.Min(rdata[at], rdata.Length - at - 1);
            foreach (var b in rdata.Slice(at + 1, length))
            {
                text.Append(b is >= 0x20 and < 0x7F ? b : (byte)'?');
            }

            at += 1 + length;
        }
    }

    /// <summary>RFC 9460 presentation form: "priority target key=value ..." with alpn, port and address hints decoded.</summary>
    private static DnsStatus SvcbText(ReadOnlySpan<byte> message, int offset, int length, DnsText text)
    {
        if (length < 3)
        {
            return DnsStatus.Truncated;
        }

        var end = offset + length;
        text.AppendDecimal(BinaryPrimitives.ReadUInt16BigEndian(message[offset..]));
        text.Append((byte)' ');
        var targetStart = text.Length;
        var status = DnsNameReader.Read(message[..end], offset + 2, text, out var at);
        if (status != DnsStatus.Ok)
        {
            return status;
        }

        if (text.Length == targetStart)
        {
            text.Append((byte)'.');
        }

        while (at + 4 <= end)
        {
            var key = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
            if (at + 4 + valueLength > end)
            {
                return DnsStatus.Truncated;
            }

            var value = message.Slice(at + 4, valueLength);
            text.Append((byte)' ');
            AppendSvcParamName(text, key);
            text.Append((byte)'=');
            AppendSvcValue(text, key, value);
            at += 4 + valueLength;
        }

        return DnsStatus.Ok;
    }

    private static void AppendSvcParamName(DnsText text, ushort key)
    {
        var name = key switch
        {
            0 => "mandatory"u8,
            1 => "alpn"u8,
            2 => "no-default-alpn"u8,
            3 => "port"u8,
            4 => "ipv4hint"u8,
            5 => "ech"u8,
            6 => "ipv6hint"u8,
            _ => "key"u8,
        };
        text.Append(name);
        if (key > 6)
        {
            text.AppendDecimal(key);
        }
    }

    private static void AppendSvcValue(DnsText text, ushort key, ReadOnlySpan<byte> value)
    {
        switch (key)
        {
            case 1: // alpn: length-prefixed ids
                for (var at = 0; at < value.Length;)
                {
                    var length = Math.Min(value[at], value.Length - at - 1);
                    if (at > 0)
                    {
                        text.Append((byte)',');
                    }

                    text.AppendAscii(value.Slice(at + 1, length));
                    at += 1 + length;
                }

                break;
            case 3 when value.Length == 2:
                text.AppendDecimal(BinaryPrimitives.ReadUInt16BigEndian(value));
                break;
            case 4:
            case 6:
                var size = key == 4 ? 4 : 16;
                for (var at = 0; at + size <= value.Length; at += size)
                {
                    if (at > 0)
                    {
                        text.Append((byte)',');
                    }

                    if (size == 4)
                    {
                        text.AppendIpv4(value.Slice(at, size));
                    }
                    else
                    {
                        text.AppendIpv6(value.Slice(at, size));
                    }
                }

                break;
            case 5:
                // An ECHConfigList: say it is there (the client can hide its SNI), not its bytes.
                text.Append((byte)'<');
                text.AppendDecimal((uint)value.Length);
                text.Append(" bytes>"u8);
                break;
            default:
                text.AppendHexLower(value[..Math.Min(value.Length, MaxHexRdata)]);
                break;
        }
    }

    /// <summary>One thread's reading state: the message text and where each question and answer lies in it.</summary>
    private sealed class Scratch
    {
        public DnsText Text { get; } = new();

        public List<(int NameStart, int NameLength, ushort Type, ushort Class)> Questions { get; } = [];

        public List<(DnsRecord.Layout Layout, ushort Type, ushort Class, uint Ttl)> Answers { get; } = [];

        public void Clear()
        {
            Text.Clear();
            Questions.Clear();
            Answers.Clear();
        }

        /// <summary>
        /// The records over one copy of the text (the scratch is reused by the next message). A single question comes
        /// back on its own, with null for the array (see <see cref="DnsMessage"/>).
        /// </summary>
        public (DnsQuestion[]? Questions, DnsQuestion OnlyQuestion, DnsRecord[] Answers) ToRecords()
        {
            var text = Text.ToArray();
            DnsQuestion[]? questions = Questions.Count == 1 ? null : Questions.Count == 0 ? [] : new DnsQuestion[Questions.Count];
            var onlyQuestion = default(DnsQuestion);
            for (var i = 0; i < Questions.Count; i++)
            {
                var q = Questions[i];
                var question = new DnsQuestion(text, q.NameStart, q.NameLength, q.Type, q.Class);
                if (questions is null)
                {
                    onlyQuestion = question;
                }
                else
                {
                    questions[i] = question;
                }
            }

            var answers = Answers.Count == 0 ? [] : new DnsRecord[Answers.Count];
            for (var i = 0; i < answers.Length; i++)
            {
                var a = Answers[i];
                answers[i] = new DnsRecord(text, a.Layout, a.Type, a.Class, a.Ttl);
            }

            return (questions, onlyQuestion, answers);
        }
    }
}
