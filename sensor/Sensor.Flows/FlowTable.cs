using System.Runtime.InteropServices;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Decode;
using Sensor.Flows.Tcp;

namespace Sensor.Flows;

/// <summary>
/// The flow table: finds or creates the flow of each packet, drives TCP reassembly, ends flows on
/// timeout, memcap eviction or end of input, and writes one <c>flow</c> event per flow.
/// </summary>
public sealed class FlowTable
{
    private readonly FlowTableOptions _options;
    private readonly IEventSink _sink;
    private readonly SensorCounters _counters;
    private readonly IStreamConsumerFactory? _consumers;
    private readonly Dictionary<FlowKey, Flow> _flows = new();
    private readonly FlowList _tcpOpen;
    private readonly FlowList _otherOpen;
    private readonly FlowList _closed;
    private readonly ReassemblyMemory _reassemblyMemory;
    private long _nextFlowId = 1;

    public FlowTable(FlowTableOptions options, IEventSink sink, AnomalyReporter anomalies, SensorCounters counters, IStreamConsumerFactory? consumers = null)
    {
        _options = options;
        _sink = sink;
        Anomalies = anomalies;
        _counters = counters;
        _consumers = consumers;
        _tcpOpen = new FlowList(options.TcpIdleTimeoutMicros);
        _otherOpen = new FlowList(options.UdpIdleTimeoutMicros);
        _closed = new FlowList(options.ClosedTimeoutMicros);
        _reassemblyMemory = new ReassemblyMemory(options.Reassembly.GlobalMemoryCap);
    }

    public int Count => _flows.Count;

    public long ReassemblyMemoryInUse => _reassemblyMemory.InUse;

    public long ReassemblyMemoryPeak => _reassemblyMemory.Peak;

    internal AnomalyReporter Anomalies { get; }

    /// <summary>
    /// Accounts one decoded packet to its flow. <paramref name="buffer"/> holds the bytes the packet's
    /// offsets point into (the frame, or a reassembled datagram); <paramref name="length"/> is the frame length.
    /// </summary>
    public void OnPacket(in DecodedPacket packet, ReadOnlyMemory<byte> buffer, int length, long nowMicros)
    {
        var key = FlowKey.From(packet, out var sourceIsLow);
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_flows, key);
        var flow = System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot) ? null : slot;

        if (flow is not null && packet.IsTcp && flow.State == FlowState.Closed && IsInitialSyn(packet.TcpFlags))
        {
            // The port pair is reused by a new connection: the old one is over.
            End(flow, EndReason.Timeout, nowMicros);
            flow = null;
        }

        flow ??= Create(key, packet, sourceIsLow, nowMicros);
        var direction = flow.DirectionOf(sourceIsLow);
        flow.LastMicros = nowMicros;
        flow.List!.Touch(flow);
        if (direction == Direction.ToServer)
        {
            flow.PacketsToServer++;
            flow.BytesToServer += length;
            flow.PayloadToServer += packet.PayloadLength;
        }
        else
        {
            flow.PacketsToClient++;
            flow.BytesToClient += length;
            flow.PayloadToClient += packet.PayloadLength;
        }

        if (packet.IsTcp)
        {
            OnTcpSegment(flow, direction, packet, buffer);
            return;
        }

        if (flow.Datagrams is { } datagrams)
        {
            Deliver(flow, datagrams, direction, buffer.Span.Slice(packet.PayloadOffset, packet.PayloadLength));
        }

        if (flow.State == FlowState.New && flow.PacketsToServer > 0 && flow.PacketsToClient > 0)
        {
            flow.State = FlowState.Established;
        }
    }

    /// <summary>Ends every flow idle for longer than its timeout. Call as packet time advances.</summary>
    public void Expire(long nowMicros)
    {
        ExpireList(_closed, nowMicros);
        ExpireList(_otherOpen, nowMicros);
        ExpireList(_tcpOpen, nowMicros);
    }

    /// <summary>End of input: every open flow is flushed and written (reason <c>shutdown</c>), in flow-id order.</summary>
    public void Flush(long nowMicros)
    {
        var open = new List<Flow>(_flows.Values);
        open.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        foreach (var flow in open)
        {
            End(flow, EndReason.EndOfInput, Math.Max(nowMicros, flow.LastMicros));
        }
    }

    /// <summary>Hands a datagram to its consumer; a consumer that throws is quarantined like a stream consumer.</summary>
    private static void Deliver(Flow flow, IDatagramConsumer datagrams, Direction direction, ReadOnlySpan<byte> payload)
    {
        try
        {
            datagrams.OnDatagram(direction, payload);
        }
#pragma warning disable CA1031 // The boundary where any consumer bug is contained.
        catch (Exception)
#pragma warning restore CA1031
        {
            flow.Datagrams = null;
            flow.ReportConsumerFault();
        }
    }

    private static bool IsInitialSyn(TcpFlags flags) => (flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn;

    private Flow Create(in FlowKey key, in DecodedPacket packet, bool sourceIsLow, long nowMicros)
    {
        if (_flows.Count >= _options.MaxFlows)
        {
            EvictOldest(nowMicros);
        }

        var flow = new Flow(this, key, _nextFlowId++, ClientIsLow(packet, sourceIsLow), packet.IpVersion, nowMicros);
        _flows.Add(key, flow);
        (packet.IsTcp ? _tcpOpen : _otherOpen).AddNewest(flow);
        _counters.FlowsCreated++;
        _counters.FlowsActive++;

        if (packet.IsTcp)
        {
            var limits = _options.Reassembly;
            flow.ToServer = new TcpStreamReassembler(Direction.ToServer, limits, _reassemblyMemory, _counters);
            flow.ToClient = new TcpStreamReassembler(Direction.ToClient, limits, _reassemblyMemory, _counters);
            var consumer = _consumers?.CreateConsumer(flow.Identity);
            if (consumer is not null)
            {
                flow.Consumer = new GuardedStreamConsumer(flow, consumer);
            }

            if ((packet.TcpFlags & TcpFlags.Syn) == 0)
            {
                flow.Midstream = true;
                _counters.TcpMidstreamPickups++;
            }
        }
        else if (packet.Protocol == IpProtocol.Udp && _consumers is not null)
        {
            flow.Datagrams = _consumers.CreateDatagramConsumer(flow.Identity);
        }

        return flow;
    }

    /// <summary>
    /// Who is the client (event <c>src</c>)? The sender of the first SYN or, failing that, of the first packet.
    /// A first SYN-ACK comes from the server. A mid-stream TCP pickup from a well-known port (&lt; 1024) to an
    /// ephemeral one is most likely the server speaking, so its peer is taken as the client.
    /// </summary>
    private static bool ClientIsLow(in DecodedPacket packet, bool sourceIsLow)
    {
        var sourceIsClient = true;
        if (packet.IsTcp)
        {
            var flags = packet.TcpFlags;
            if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack))
            {
                sourceIsClient = false;
            }
            else if ((flags & TcpFlags.Syn) == 0 && packet.SourcePort < 1024 && packet.DestinationPort >= 1024)
            {
                sourceIsClient = false;
            }
        }

        return sourceIsClient == sourceIsLow;
    }

    private void OnTcpSegment(Flow flow, Direction direction, in DecodedPacket packet, ReadOnlyMemory<byte> buffer)
    {
        var flags = packet.TcpFlags;
        flow.FlagsSeen |= flags;
        var stream = direction == Direction.ToServer ? flow.ToServer! : flow.ToClient!;
        var peer = direction == Direction.ToServer ? flow.ToClient! : flow.ToServer!;
        var syn = (flags & TcpFlags.Syn) != 0;
        if (!stream.IsInitialized)
        {
            stream.Initialize(packet.Sequence, syn);
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            flow.State = FlowState.Closed;
            MoveTo(flow, _closed);
            stream.Finish(EndReason.Reset, flow.Consumer, flow);
            peer.Finish(EndReason.Reset, flow.Consumer, flow);
            return;
        }

        // Data on a SYN (TCP Fast Open) starts after the SYN's own sequence number.
        var sequence = syn ? packet.Sequence + 1 : packet.Sequence;
        var fin = (flags & TcpFlags.Fin) != 0;
        stream.OnSegment(sequence, buffer.Slice(packet.PayloadOffset, packet.PayloadLength), fin, flow.Consumer, flow);
        if ((flags & TcpFlags.Ack) != 0)
        {
            peer.OnPeerAck(packet.Acknowledgment, flow.Consumer, flow);
        }

        if (fin)
        {
            if (direction == Direction.ToServer)
            {
                flow.FinToServer = true;
            }
            else
            {
                flow.FinToClient = true;
            }

            if (flow.FinToServer && flow.FinToClient)
            {
                flow.State = FlowState.Closed;
                MoveTo(flow, _closed);
                return;
            }
        }

        if (flow.State == FlowState.New && flow.PacketsToServer > 0 && flow.PacketsToClient > 0)
        {
            flow.State = FlowState.Established;
        }
    }

    private static void MoveTo(Flow flow, FlowList list)
    {
        if (flow.List != list)
        {
            flow.List!.Remove(flow);
            list.AddNewest(flow);
        }
    }

    private void ExpireList(FlowList list, long nowMicros)
    {
        while (list.Oldest is { } oldest && nowMicros - oldest.LastMicros > list.TimeoutMicros)
        {
            _counters.FlowsTimedOut++;
            End(oldest, EndReason.Timeout, oldest.LastMicros);
        }
    }

    private void EvictOldest(long nowMicros)
    {
        // Closed flows go first, then the least recently seen open flow.
        var victim = _closed.Oldest ?? Older(_otherOpen.Oldest, _tcpOpen.Oldest);
        if (victim is null)
        {
            return;
        }

        _counters.FlowsEvicted++;
        Anomalies.Report(AnomalyKind.FlowMemcapEviction, nowMicros, victim.Identity);
        End(victim, EndReason.Evicted, victim.LastMicros);
    }

    private static Flow? Older(Flow? a, Flow? b) => a is null ? b : b is null ? a : a.LastMicros <= b.LastMicros ? a : b;

    private void End(Flow flow, EndReason reason, long nowMicros)
    {
        if (flow.ToServer is not null)
        {
            flow.ToServer.Finish(reason, flow.Consumer, flow);
            flow.ToClient!.Finish(reason, flow.Consumer, flow);
            flow.ToServer.Release();
            flow.ToClient.Release();
        }

        if (flow.Datagrams is { } datagrams)
        {
            flow.Datagrams = null;
            try
            {
                datagrams.OnEnd(reason);
            }
#pragma warning disable CA1031 // The boundary where any consumer bug is contained.
            catch (Exception)
#pragma warning restore CA1031
            {
                flow.ReportConsumerFault();
            }
        }

        _flows.Remove(flow.Key);
        flow.List!.Remove(flow);
        _counters.FlowsActive--;
        _counters.FlowsEnded++;
        _sink.Write(FlowEvents.Create(flow, reason, nowMicros));
    }
}
