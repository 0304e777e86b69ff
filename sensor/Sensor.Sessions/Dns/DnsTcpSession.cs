using System.Buffers;
using System.Buffers.Binary;
using Sensor.Core.Events;
using Sensor.Core.Streams;

namespace Sensor.Sessions.Dns;

/// <summary>DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message is preceded by a 2-byte length.</summary>
internal sealed class DnsTcpSession : IStreamConsumer
{
    private readonly DnsSession _messages;
    private readonly byte[][] _buffers = [new byte[2 + ushort.MaxValue], new byte[2 + ushort.MaxValue]];
    private readonly int[] _fill = new int[2];
    private readonly bool[] _lost = new bool[2];

    public DnsTcpSession(FlowIdentity flow, StreamContext context, DnsNameCache names)
    {
        _messages = new DnsSession(flow, context, names);
    }

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        var d = (int)direction;
        if (_lost[d])
        {
            return;
        }

        var buffer = _buffers[d];
        foreach (var segment in data)
        {
            var span = segment.Span;
            while (!span.IsEmpty)
            {
                var need = _fill[d] < 2 ? 2 : 2 + BinaryPrimitives.ReadUInt16BigEndian(buffer);
                var take = Math.Min(need - _fill[d], span.Length);
                span[..take].CopyTo(buffer.AsSpan(_fill[d]));
                _fill[d] += take;
                span = span[take..];
                if (_fill[d] >= 2 && _fill[d] == 2 + BinaryPrimitives.ReadUInt16BigEndian(buffer))
                {
                    _messages.OnMessage(buffer.AsSpan(2, _fill[d] - 2));
                    _fill[d] = 0;
                }
            }
        }
    }

    /// <summary>After a gap the message boundaries are lost; DNS over TCP has no marker to resynchronise on.</summary>
    public void OnGap(Direction direction, long missingBytes) => _lost[(int)direction] = true;

    public void OnEnd(Direction direction, EndReason reason)
    {
    }
}
