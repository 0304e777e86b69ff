using System.Buffers;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Tls;

namespace Sensor.Sessions.Tunnels;

/// <summary>
/// A proxy tunnel (HTTP CONNECT, SOCKS): each direction's preamble is skipped, then the rest of the stream is
/// probed and parsed as if it were a direct connection. A SPAN port in front of an explicit proxy sees all HTTPS
/// this way, and the TLS inside is fingerprinted as usual.
/// </summary>
internal sealed class TunnelConsumer : IStreamConsumer
{
    private readonly TunnelPreamble[] _preambles;
    private readonly byte[]?[] _pending = new byte[]?[2];
    private readonly int[] _pendingLength = new int[2];
    private readonly bool[] _through = new bool[2];
    private readonly ProbingConsumer _inner;
    private bool _failed;

    public TunnelConsumer(FlowIdentity flow, StreamContext context, CertificateCache certificates, TunnelPreamble client, TunnelPreamble server, string name, TlsDecryption? decryption = null, bool parsePayloads = true)
    {
        _preambles = [client, server];
        _inner = new ProbingConsumer(flow, context, certificates, decryption) { ParsePayloads = parsePayloads };
        flow.AppProto ??= name;
    }

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        var d = (int)direction;
        if (_through[d])
        {
            _inner.OnData(direction, data);
            return;
        }

        if (_failed)
        {
            return;
        }

        // Collect this direction's bytes until its preamble is complete.
        var buffer = _pending[d] ??= new byte[TunnelPreamble.MaxPreambleBytes + 1];
        var take = Math.Min(buffer.Length - _pendingLength[d], (int)data.Length);
        data.Slice(0, take).CopyTo(buffer.AsSpan(_pendingLength[d]));
        _pendingLength[d] += take;
        var preamble = _preambles[d].Measure(buffer.AsSpan(0, _pendingLength[d]));
        if (preamble < 0 || (preamble == 0 && _pendingLength[d] >= buffer.Length))
        {
            _failed = true; // not a tunnel after all: stop, do not guess
            return;
        }

        if (preamble == 0)
        {
            return;
        }

        _through[d] = true;
        _pending[d] = null;
        if (_pendingLength[d] > preamble)
        {
            _inner.OnData(direction, new ReadOnlySequence<byte>(buffer, preamble, _pendingLength[d] - preamble));
        }

        if (take < data.Length)
        {
            _inner.OnData(direction, data.Slice(take));
        }
    }

    public void OnGap(Direction direction, long missingBytes)
    {
        if (_through[(int)direction])
        {
            _inner.OnGap(direction, missingBytes);
        }
        else
        {
            _failed = true;
        }
    }

    public void OnEnd(Direction direction, EndReason reason) => _inner.OnEnd(direction, reason);
}
