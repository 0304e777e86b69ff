using System.Buffers;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Protocols.Http1;
using Sensor.Protocols.Tls;
using Sensor.Sessions.Http;
using Sensor.Sessions.Tls;
using Sensor.Sessions.Tunnels;

namespace Sensor.Sessions.AppLayer;

/// <summary>
/// Decides the application protocol from the first bytes the client sends (Suricata's probing parsers),
/// then hands every byte, the probed ones included, to the chosen session. Unknown protocols are ignored.
/// </summary>
internal sealed class ProbingConsumer : IStreamConsumer
{
    /// <summary>Bytes needed to decide: "CONNECT " is the longest signature (TLS needs 3, SOCKS 2).</summary>
    private const int ProbeBytes = 8;

    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly byte[] _probe = new byte[ProbeBytes];
    private int _probed;
    private IStreamConsumer? _session;

    private readonly CertificateCache _certificates;
    private readonly TlsDecryption? _decryption;

    public ProbingConsumer(FlowIdentity flow, StreamContext context, CertificateCache certificates, TlsDecryption? decryption = null)
    {
        _flow = flow;
        _context = context;
        _certificates = certificates;
        _decryption = decryption;
    }

    /// <summary>False: a cleartext HTTP flow gets no session (metadata-only mode).</summary>
    public bool ParsePayloads { get; init; } = true;

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
            var session = Choose(_probe.AsSpan(0, _probed), final: _probed == ProbeBytes);
            if (session is null)
            {
                return;
            }

            // Probe bytes that came in earlier chunks go first; the current chunk follows whole.
            _session = session;
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

    /// <summary>The session for these first bytes, or null when more bytes are needed to decide.</summary>
    private IStreamConsumer? Choose(ReadOnlySpan<byte> start, bool final)
    {
        if (TlsRecordReader.LooksLikeHandshake(start))
        {
            return new TlsSession(_flow, _context, _certificates, _decryption);
        }

        if (HttpConnectPreamble.IsConnect(start))
        {
            return new TunnelConsumer(_flow, _context, _certificates, new HttpConnectPreamble(client: true), new HttpConnectPreamble(client: false), "http-connect", _decryption, ParsePayloads);
        }

        if (SocksPreamble.IsSocks(start))
        {
            return new TunnelConsumer(_flow, _context, _certificates, new SocksPreamble(client: true), new SocksPreamble(client: false), "socks", _decryption, ParsePayloads);
        }

        var http = HttpProbe.Probe(start);
        if (http is HttpProbeResult.Http1Request or HttpProbeResult.Http2Preface)
        {
            if (ParsePayloads)
            {
                return HttpSessions.Create(_flow, _context, alpn: null, decrypted: false);
            }

            // Metadata only: name the protocol as the HTTP sessions would, parse nothing.
            _flow.AppProto ??= http == HttpProbeResult.Http2Preface ? "http2" : "http";
            return NullStreamConsumer.Instance;
        }

        // Wait for at least a TLS record header's worth, and longer only while the bytes could become "CONNECT " or a request.
        var undecided = start.Length < 3 || "CONNECT "u8.StartsWith(start) || http == HttpProbeResult.NeedMoreData;
        return final || !undecided ? NullStreamConsumer.Instance : null;
    }
}
