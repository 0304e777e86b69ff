using System.Text;
using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Json;
using Sensor.Protocols.Dns;

namespace Sensor.Sessions.Dns;

/// <summary><c>dns</c>: one per query and one per answer message (events.md; Suricata's dns record).</summary>
public sealed class DnsEvent : SensorEvent
{
    private readonly DnsMessage _message;

    public DnsEvent(long timestampMicros, FlowIdentity flow, DnsMessage message)
        : base(timestampMicros, flow)
    {
        _message = message;
    }

    public override string EventType => "dns";

    public DnsMessage Message => _message;

    /// <summary>
    /// Through the writer, whose escaping applies; the sink calls it only when <see cref="TryWritePlainBody"/> refused.
    /// Names and RDATA are UTF-8 already (DnsText), written as bytes.
    /// </summary>
    public override void WriteBody(Utf8JsonWriter writer)
    {
        var m = _message;
        writer.WriteStartObject("dns"u8);
        writer.WriteString("type"u8, m.IsResponse ? "answer"u8 : "query"u8);
        writer.WriteNumber("id"u8, m.Id);
        if (m.Questions.Length > 0)
        {
            writer.WriteString("rrname"u8, m.Questions[0].NameUtf8);
            WriteType(writer, m.Questions[0].Type);
        }

        if (m.IsResponse)
        {
            var rcode = DnsRecordTypes.KnownRcodeNameUtf8(m.Rcode);
            if (rcode.IsEmpty)
            {
                writer.WriteString("rcode"u8, DnsRecordTypes.RcodeName(m.Rcode));
            }
            else
            {
                writer.WriteString("rcode"u8, rcode);
            }

            writer.WriteStartArray("answers"u8);
            foreach (ref readonly var answer in m.Answers)
            {
                writer.WriteStartObject();
                writer.WriteString("rrname"u8, answer.NameUtf8);
                WriteType(writer, answer.Type);
                writer.WriteString("rdata"u8, answer.DataUtf8);
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

    /// <summary>
    /// Most messages are plain ASCII throughout: the same bytes as <see cref="WriteBody"/>, built as bytes rather than ~15
    /// writer calls; false when a name or RDATA needs escaping.
    /// </summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        var m = _message;
        json.StartObject("dns"u8);
        json.Members(m.IsResponse ? "\"type\":\"answer\""u8 : "\"type\":\"query\""u8);
        json.Number("id"u8, m.Id);
        if (m.Questions.Length > 0 && !(json.String("rrname"u8, m.Questions[0].NameUtf8) && PlainType(json, m.Questions[0].Type)))
        {
            return false;
        }

        if (m.IsResponse)
        {
            if (m.Rcode >= s_rcodeMembers.Length)
            {
                return false;
            }

            json.Members(s_rcodeMembers[m.Rcode]);
            json.StartArray("answers"u8);
            foreach (ref readonly var answer in m.Answers)
            {
                json.StartObject();
                if (!(json.String("rrname"u8, answer.NameUtf8) && PlainType(json, answer.Type) && json.String("rdata"u8, answer.DataUtf8)))
                {
                    return false;
                }

                json.Number("ttl"u8, answer.Ttl);
                json.EndObject();
            }

            json.EndArray();
        }

        json.Members(s_flagsMembers[FlagsIndex(m)]);
        json.EndObject();
        return true;
    }

    // The members that take one of a few values, encoded once: the record types, the response codes and the flags.
    private static readonly byte[]?[] s_rrtypeMembers = TypeMembers();
    private static readonly byte[][] s_rcodeMembers = RcodeMembers();
    private static readonly byte[][] s_flagsMembers = [.. Enumerable.Range(0, 32).Select(FlagsMembers)];

    /// <summary><c>"rrtype":"A"</c>... by type, for the types with a mnemonic (all below 256); null for the others.</summary>
    private static byte[]?[] TypeMembers()
    {
        var members = new byte[]?[256];
        for (var type = 0; type < members.Length; type++)
        {
            var name = DnsRecordTypes.KnownNameUtf8((ushort)type);
            members[type] = name.IsEmpty ? null : Member("rrtype", name);
        }

        return members;
    }

    /// <summary><c>"rcode":"NOERROR"</c>... for the response codes with a name (0 to 5).</summary>
    private static byte[][] RcodeMembers()
    {
        var members = new List<byte[]>();
        for (var rcode = 0; DnsRecordTypes.KnownRcodeNameUtf8(rcode) is { IsEmpty: false } name; rcode++)
        {
            members.Add(Member("rcode", name));
        }

        return [.. members];
    }

    /// <summary><c>"name":"value"</c>; the values are ASCII mnemonics, nothing to escape.</summary>
    private static byte[] Member(string name, ReadOnlySpan<byte> value) => [.. Encoding.ASCII.GetBytes($"\"{name}\":\""), .. value, (byte)'"'];

    /// <summary>The flags object as WriteBody writes it: <c>rd</c> for a query; <c>rd</c>, <c>ra</c>, <c>aa</c>, <c>tc</c> for an answer.</summary>
    private static byte[] FlagsMembers(int index)
    {
        static string B(int index, int bit) => (index & bit) != 0 ? "true" : "false";
        var text = (index & 16) == 0
            ? $"\"flags\":{{\"rd\":{B(index, 8)}}}"
            : $"\"flags\":{{\"rd\":{B(index, 8)},\"ra\":{B(index, 4)},\"aa\":{B(index, 2)},\"tc\":{B(index, 1)}}}";
        return Encoding.ASCII.GetBytes(text);
    }

    private static int FlagsIndex(DnsMessage m) => m.IsResponse
        ? 16 | (m.RecursionDesired ? 8 : 0) | (m.RecursionAvailable ? 4 : 0) | (m.Authoritative ? 2 : 0) | (m.Truncated ? 1 : 0)
        : m.RecursionDesired ? 8 : 0;

    private static bool PlainType(PlainJsonBuilder json, ushort type)
    {
        if (type >= s_rrtypeMembers.Length || s_rrtypeMembers[type] is not { } member)
        {
            return false;
        }

        json.Members(member);
        return true;
    }

    private static void WriteType(Utf8JsonWriter writer, ushort type)
    {
        var known = DnsRecordTypes.KnownNameUtf8(type);
        if (known.IsEmpty)
        {
            writer.WriteString("rrtype"u8, DnsRecordTypes.Name(type));
        }
        else
        {
            writer.WriteString("rrtype"u8, known);
        }
    }
}
