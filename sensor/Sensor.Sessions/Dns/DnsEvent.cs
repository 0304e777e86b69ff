using System.Text.Json;
using Sensor.Core.Events;
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

    public override void WriteBody(Utf8JsonWriter writer)
    {
        // Names and RDATA are UTF-8 already (DnsText): written as bytes, without a UTF-16 string per field.
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
