using System.Buffers;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Protocols.Tls;
using Sensor.Sessions.Tls;

namespace Sensor.Sessions.AppLayer;

/// <summary>
/// Decides the application protocol from the first bytes the client sends (Suricata's probing parsers),
/// then hands every byte, the probed ones included, to the chosen session. Unknown protocols are ignored.
/// </summary>
internal sealed class ProbingConsumer : IStreamConsumer
{
    /// <summary>Bytes needed to recognise a TLS record header (type, version major, version minor).</summary>
    private const int ProbeBytes = 3;

    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly byte[] _probe = new byte[ProbeBytes];
    private int _probed;
    private IStreamConsumer? _session;

    public ProbingConsumer(FlowIdentity flow, StreamContext context)
    {
        _flow = flow;
        _context = context;
    }

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        if (_session is null)
        {
            if (direction == Direction.ToClient)
            {
                _session = NullStreamConsumer.Instance; // the server spoke first: not a protocol we parse yet
                return;
            }

            var take = (int)Math.Min(ProbeBytes - _probed, data.Length);
            data.Slice(0, take).CopyTo(_probe.AsSpan(_probed));
            _probed += take;
            if (_probed < ProbeBytes)
            {
                return;
            }

            // Probe bytes that came in earlier chunks go first; the current chunk follows whole.
            _session = Choose(_probe);
            var earlier = _probed - take;
            if (earlier > 0)
            {
                _session.OnData(direction, new ReadOnlySequence<byte>(_probe, 0, earlier));
            }
        }

        _session.OnData(direction, data);
    }

    public void OnGap(Direction direction, long missingBytes)
    {
        if (_session is null)
        {
            _session = NullStreamConsumer.Instance; // a gap before we know the protocol: do not guess
            return;
        }

        _session.OnGap(direction, missingBytes);
    }

    public void OnEnd(Direction direction, EndReason reason) => _session?.OnEnd(direction, reason);

    private IStreamConsumer Choose(ReadOnlySpan<byte> start) =>
        TlsRecordReader.LooksLikeHandshake(start) ? new TlsSession(_flow, _context) : NullStreamConsumer.Instance;
}
