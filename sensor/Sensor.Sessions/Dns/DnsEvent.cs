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
        var m = _message;
        writer.WriteStartObject("dns");
        writer.WriteString("type", m.IsResponse ? "answer" : "query");
        writer.WriteNumber("id", m.Id);
        if (m.Questions.Count > 0)
        {
            writer.WriteString("rrname", m.Questions[0].Name);
            writer.WriteString("rrtype", DnsRecordTypes.Name(m.Questions[0].Type));
        }

        if (m.IsResponse)
        {
            writer.WriteString("rcode", DnsRecordTypes.RcodeName(m.Rcode));
            writer.WriteStartArray("answers");
            foreach (var answer in m.Answers)
            {
                writer.WriteStartObject();
                writer.WriteString("rrname", answer.Name);
                writer.WriteString("rrtype", DnsRecordTypes.Name(answer.Type));
                writer.WriteString("rdata", answer.Data);
                writer.WriteNumber("ttl", answer.Ttl);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteStartObject("flags");
        writer.WriteBoolean("rd", m.RecursionDesired);
        if (m.IsResponse)
        {
            writer.WriteBoolean("ra", m.RecursionAvailable);
            writer.WriteBoolean("aa", m.Authoritative);
            writer.WriteBoolean("tc", m.Truncated);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
