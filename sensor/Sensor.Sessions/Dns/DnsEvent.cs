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
        json.String("type"u8, m.IsResponse ? "answer"u8 : "query"u8);
        json.Number("id"u8, m.Id);
        if (m.Questions.Length > 0 && !(json.String("rrname"u8, m.Questions[0].NameUtf8) && PlainType(json, m.Questions[0].Type)))
        {
            return false;
        }

        if (m.IsResponse)
        {
            var rcode = DnsRecordTypes.KnownRcodeNameUtf8(m.Rcode);
            if (rcode.IsEmpty || !json.String("rcode"u8, rcode))
            {
                return false;
            }

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

        json.StartObject("flags"u8);
        json.Boolean("rd"u8, m.RecursionDesired);
        if (m.IsResponse)
        {
            json.Boolean("ra"u8, m.RecursionAvailable);
            json.Boolean("aa"u8, m.Authoritative);
            json.Boolean("tc"u8, m.Truncated);
        }

        json.EndObject();
        json.EndObject();
        return true;
    }

    private static bool PlainType(PlainJsonBuilder json, ushort type)
    {
        var known = DnsRecordTypes.KnownNameUtf8(type);
        return !known.IsEmpty && json.String("rrtype"u8, known);
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
