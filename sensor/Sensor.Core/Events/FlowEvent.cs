using System.Text.Json;
using Sensor.Core.Json;

namespace Sensor.Core.Events;

/// <summary><c>flow</c>: one per flow, when it ends or when the run ends (Suricata's flow record).</summary>
public sealed class FlowEvent : SensorEvent
{
    public FlowEvent(long timestampMicros, FlowIdentity flow)
        : base(timestampMicros, flow)
    {
    }

    public override string EventType => "flow";

    public long PacketsToServer { get; init; }

    public long PacketsToClient { get; init; }

    public long BytesToServer { get; init; }

    public long BytesToClient { get; init; }

    /// <summary>Transport payload bytes each way (an extension: Suricata counts whole packets only).</summary>
    public long PayloadBytesToServer { get; init; }

    public long PayloadBytesToClient { get; init; }

    public long StartMicros { get; init; }

    public long EndMicros { get; init; }

    /// <summary><c>new</c>, <c>established</c> or <c>closed</c> (Suricata's flow states).</summary>
    public required string State { get; init; }

    /// <summary><c>timeout</c>, <c>shutdown</c> (end of input), <c>forced</c> (memcap eviction), <c>fin</c>, <c>rst</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>TCP only: bytes lost to gaps, to-server and to-client.</summary>
    public long GapBytesToServer { get; init; }

    public long GapBytesToClient { get; init; }

    /// <summary>TCP only: the flow was picked up without seeing its SYN.</summary>
    public bool Midstream { get; init; }

    /// <summary>TCP flags seen, as tcpdump letters (S, F, R, P, A, U, E, C).</summary>
    public string? TcpFlags { get; init; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("flow"u8);
        writer.WriteNumber("pkts_toserver"u8, PacketsToServer);
        writer.WriteNumber("pkts_toclient"u8, PacketsToClient);
        writer.WriteNumber("bytes_toserver"u8, BytesToServer);
        writer.WriteNumber("bytes_toclient"u8, BytesToClient);
        writer.WriteNumber("payload_bytes_toserver"u8, PayloadBytesToServer);
        writer.WriteNumber("payload_bytes_toclient"u8, PayloadBytesToClient);
        Span<byte> time = stackalloc byte[EveTime.Length];
        EveTime.WriteUtf8(StartMicros, time);
        writer.WriteString("start"u8, time);
        EveTime.WriteUtf8(EndMicros, time);
        writer.WriteString("end"u8, time);
        writer.WriteNumber("age"u8, (EndMicros - StartMicros) / 1_000_000);
        writer.WriteString("state"u8, State);
        writer.WriteString("reason"u8, Reason);
        if (Flow!.Protocol == 6)
        {
            writer.WriteBoolean("midstream"u8, Midstream);
            writer.WriteNumber("gap_bytes_toserver"u8, GapBytesToServer);
            writer.WriteNumber("gap_bytes_toclient"u8, GapBytesToClient);
            if (TcpFlags is not null)
            {
                writer.WriteString("tcp_flags"u8, TcpFlags);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>One per flow, in every mode (the spine's only event): the same bytes as <see cref="WriteBody"/>, built as bytes.</summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        json.StartObject("flow"u8);
        json.Number("pkts_toserver"u8, PacketsToServer);
        json.Number("pkts_toclient"u8, PacketsToClient);
        json.Number("bytes_toserver"u8, BytesToServer);
        json.Number("bytes_toclient"u8, BytesToClient);
        json.Number("payload_bytes_toserver"u8, PayloadBytesToServer);
        json.Number("payload_bytes_toclient"u8, PayloadBytesToClient);
        json.Time("start"u8, StartMicros);
        json.Time("end"u8, EndMicros);
        json.Number("age"u8, (EndMicros - StartMicros) / 1_000_000);
        json.Text("state"u8, State);
        json.Text("reason"u8, Reason);
        if (Flow!.Protocol == 6)
        {
            json.Boolean("midstream"u8, Midstream);
            json.Number("gap_bytes_toserver"u8, GapBytesToServer);
            json.Number("gap_bytes_toclient"u8, GapBytesToClient);
            if (TcpFlags is not null)
            {
                json.Text("tcp_flags"u8, TcpFlags);
            }
        }

        json.EndObject();
        return true;
    }
}
