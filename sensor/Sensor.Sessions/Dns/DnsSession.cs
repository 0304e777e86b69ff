using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Protocols.Dns;

namespace Sensor.Sessions.Dns;

/// <summary>DNS over UDP: every message becomes a <c>dns</c> event; answers feed the <see cref="DnsNameCache"/>.</summary>
internal sealed class DnsSession : IDatagramConsumer
{
    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly DnsNameCache _names;

    public DnsSession(FlowIdentity flow, StreamContext context, DnsNameCache names)
    {
        _flow = flow;
        _context = context;
        _names = names;
        flow.AppProto ??= "dns";
    }

    public void OnDatagram(Direction direction, ReadOnlySpan<byte> payload) => OnMessage(payload);

    public void OnEnd(EndReason reason)
    {
    }

    /// <summary>One whole DNS message (a UDP payload, or a length-prefixed TCP message).</summary>
    internal void OnMessage(ReadOnlySpan<byte> payload)
    {
        var status = DnsMessageReader.Read(payload, out var message);
        if (status != DnsStatus.Ok || message is null)
        {
            _context.Anomalies.Report(
                status switch
                {
                    DnsStatus.NameTooLong => AnomalyKind.DnsNameTooLong,
                    DnsStatus.PointerLoop => AnomalyKind.DnsPointerLoop,
                    _ => AnomalyKind.DnsMalformed,
                },
                _context.Clock.NowMicros,
                _flow);
            return;
        }

        if (message.IsResponse && message.Questions.Length > 0)
        {
            foreach (ref readonly var answer in message.Answers)
            {
                if (answer.Address.Length > 0)
                {
                    _names.Add(answer.Address, message.Questions[0].NameUtf8);
                }
            }
        }

        _context.Events.Write(new DnsEvent(_context.Clock.NowMicros, _flow, message));
    }
}
