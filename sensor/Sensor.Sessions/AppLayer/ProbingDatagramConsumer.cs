using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Sessions.Quic;

namespace Sensor.Sessions.AppLayer;

/// <summary>Picks the UDP session type from the first client datagram: QUIC v1/v2 long header, or nothing.</summary>
internal sealed class ProbingDatagramConsumer : IDatagramConsumer
{
    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private QuicSession? _session;
    private bool _decided;

    public ProbingDatagramConsumer(FlowIdentity flow, StreamContext context)
    {
        _flow = flow;
        _context = context;
    }

    public void OnDatagram(Direction direction, ReadOnlySpan<byte> payload)
    {
        if (!_decided && direction == Direction.ToServer)
        {
            _decided = true;
            _session = QuicSession.LooksLikeQuic(payload) ? new QuicSession(_flow, _context) : null;
        }

        _session?.OnDatagram(direction, payload);
    }

    public void OnEnd(EndReason reason) => _session?.OnEnd(reason);
}
