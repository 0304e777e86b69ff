using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Decode;
using Sensor.Flows;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Flows;

public class FlowTableTests
{
    private const long Second = 1_000_000;

    private static DecodedPacket Udp(string source, string destination, ushort sourcePort, ushort destinationPort, int payload = 10) => new()
    {
        IpVersion = 4,
        Protocol = IpProtocol.Udp,
        Source = Decode.PacketDecoderTests.Address(source),
        Destination = Decode.PacketDecoderTests.Address(destination),
        SourcePort = sourcePort,
        DestinationPort = destinationPort,
        PayloadLength = payload,
    };

    private static DecodedPacket Icmp(string source, string destination, byte type, byte code) => new()
    {
        IpVersion = 4,
        Protocol = IpProtocol.Icmp,
        Source = Decode.PacketDecoderTests.Address(source),
        Destination = Decode.PacketDecoderTests.Address(destination),
        SourcePort = type,
        DestinationPort = code,
    };

    private static void Send(TcpHarness harness, in DecodedPacket packet)
    {
        harness.Table.OnPacket(packet, new byte[packet.PayloadLength], 42 + packet.PayloadLength, harness.Now);
    }

    [Fact]
    public void Expire_IdleUdpFlowPastTimeout_FlowEventWithTimeoutReason()
    {
        var harness = new TcpHarness(new FlowTableOptions { UdpIdleTimeoutMicros = 10 * Second });
        var start = harness.Now;
        Send(harness, Udp("10.0.0.1", "10.0.0.2", 5353, 53));
        harness.Now += Second;
        Send(harness, Udp("10.0.0.2", "10.0.0.1", 53, 5353, 40));
        var last = harness.Now;

        harness.Table.Expire(last + (10 * Second));
        Assert.Empty(harness.Sink.Flows);
        Assert.Equal(1, harness.Table.Count);

        harness.Table.Expire(last + (10 * Second) + 1);

        var flow = Assert.Single(harness.Sink.Flows);
        Assert.Equal("timeout", flow.Reason);
        Assert.Equal("established", flow.State);
        Assert.Equal(start, flow.StartMicros);
        Assert.Equal(last, flow.EndMicros);
        Assert.Equal(1, flow.PacketsToServer);
        Assert.Equal(1, flow.PacketsToClient);
        Assert.Equal(10, flow.PayloadBytesToServer);
        Assert.Equal(40, flow.PayloadBytesToClient);
        Assert.Equal("10.0.0.1", flow.Flow!.Source.ToString());
        Assert.Equal(0, harness.Table.Count);
        Assert.Equal(1, harness.Counters.FlowsTimedOut);
        Assert.Equal(0, harness.Counters.FlowsActive);
        Assert.Equal(1, harness.Counters.FlowsEnded);
    }

    [Fact]
    public void Expire_IdleTcpFlow_StreamsEndWithTimeout()
    {
        var harness = new TcpHarness(new FlowTableOptions { TcpIdleTimeoutMicros = 60 * Second });
        harness.Handshake();
        harness.ClientData(0, Frames.Payload(10));
        harness.ClientData(20, Frames.Payload(10)); // a hole that never fills

        harness.Table.Expire(harness.Now + (61 * Second));

        var consumer = harness.Consumer;
        Assert.Equal(EndReason.Timeout, consumer.End(Direction.ToServer));
        Assert.Equal(EndReason.Timeout, consumer.End(Direction.ToClient));
        Assert.Equal([10L], consumer.Gaps(Direction.ToServer));
        Assert.Equal("timeout", Assert.Single(harness.Sink.Flows).Reason);
        Assert.Equal(0, harness.Table.ReassemblyMemoryInUse);
    }

    [Fact]
    public void Expire_ClosedTcpFlow_UsesTheShorterClosedTimeout()
    {
        var harness = new TcpHarness(new FlowTableOptions { ClosedTimeoutMicros = 5 * Second, TcpIdleTimeoutMicros = 600 * Second, UdpIdleTimeoutMicros = 600 * Second });
        harness.Handshake();
        harness.ClientFin(0);
        harness.ServerFin(0);
        Send(harness, Udp("10.0.0.7", "10.0.0.8", 1, 2));

        harness.Table.Expire(harness.Now + (6 * Second));

        var flow = Assert.Single(harness.Sink.Flows);
        Assert.Equal(6, flow.Flow!.Protocol);
        Assert.Equal("closed", flow.State);
        Assert.Equal(1, harness.Table.Count);
    }

    [Fact]
    public void OnPacket_PortReuseAfterFinClose_TwoFlows()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, Frames.Payload(10, 1));
        harness.ClientFin(10);
        harness.ServerFin(0);
        harness.Send(Direction.ToServer, TcpHarness.ClientIsn + 12, TcpFlags.Ack, [], TcpHarness.ServerIsn + 2);

        // Same 4-tuple, new connection.
        harness.Handshake(clientIsn: 50_000, serverIsn: 90_000);
        harness.ClientData(0, Frames.Payload(7, 2), clientIsn: 50_000, serverIsn: 90_000);

        var first = Assert.Single(harness.Sink.Flows);
        Assert.Equal("closed", first.State);
        harness.Flush();

        var flows = harness.Sink.Flows.ToList();
        Assert.Equal(2, flows.Count);
        Assert.NotEqual(flows[0].Flow!.FlowId, flows[1].Flow!.FlowId);
        Assert.Equal(flows[0].Flow!.CommunityId, flows[1].Flow!.CommunityId);
        Assert.Equal(10, flows[0].PayloadBytesToServer);
        Assert.Equal(7, flows[1].PayloadBytesToServer);
        Assert.Equal(2, harness.Factory.Created.Count);
        Assert.Equal(Frames.Payload(7, 2), ((RecordingConsumer)harness.Factory.Created[1]).Bytes(Direction.ToServer));
        Assert.Equal(2, harness.Counters.FlowsCreated);
    }

    [Fact]
    public void OnPacket_PortReuseAfterRst_TwoFlows()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.Send(Direction.ToClient, TcpHarness.ServerIsn + 1, TcpFlags.Rst | TcpFlags.Ack, [], TcpHarness.ClientIsn + 1);
        harness.Handshake(clientIsn: 50_000, serverIsn: 90_000);
        harness.Flush();

        Assert.Equal(2, harness.Sink.Flows.Count());
        Assert.Equal(EndReason.Reset, ((RecordingConsumer)harness.Factory.Created[0]).End(Direction.ToServer));
    }

    [Fact]
    public void OnPacket_SynRetransmissionOnOpenFlow_SameFlow()
    {
        var harness = new TcpHarness();
        harness.Send(Direction.ToServer, TcpHarness.ClientIsn, TcpFlags.Syn);
        harness.Send(Direction.ToServer, TcpHarness.ClientIsn, TcpFlags.Syn);
        harness.Flush();

        var flow = Assert.Single(harness.Sink.Flows);
        Assert.Equal(2, flow.PacketsToServer);
        Assert.Equal("new", flow.State);
    }

    [Fact]
    public void OnPacket_FlowsPastMemoryCap_OldestEvictedAsForced()
    {
        var harness = new TcpHarness(new FlowTableOptions { MemoryCap = 3 * 512, BytesPerFlow = 512 });
        for (ushort port = 1; port <= 4; port++)
        {
            Send(harness, Udp("10.0.0.1", "10.0.0.2", port, 53));
            harness.Now += Second;
        }

        var evicted = Assert.Single(harness.Sink.Flows);
        Assert.Equal("forced", evicted.Reason);
        Assert.Equal(1, evicted.Flow!.SourcePort);
        var anomaly = Assert.Single(harness.Sink.AnomaliesOf(AnomalyKind.FlowMemcapEviction));
        Assert.Same(evicted.Flow, anomaly.Flow);
        Assert.Equal(3, harness.Table.Count);
        Assert.Equal(1, harness.Counters.FlowsEvicted);
        Assert.Equal(4, harness.Counters.FlowsCreated);
        Assert.Equal(3, harness.Counters.FlowsActive);
        Assert.Equal(1, harness.Counters.Anomalies[(int)AnomalyKind.FlowMemcapEviction]);
    }

    [Fact]
    public void OnPacket_FlowsPastMemoryCap_ClosedFlowEvictedBeforeOlderOpenOnes()
    {
        var harness = new TcpHarness(new FlowTableOptions { MemoryCap = 3 * 512, BytesPerFlow = 512 });
        Send(harness, Udp("10.0.0.1", "10.0.0.2", 1, 53));
        Send(harness, Udp("10.0.0.1", "10.0.0.2", 2, 53));
        harness.Handshake();
        harness.Send(Direction.ToServer, TcpHarness.ClientIsn + 1, TcpFlags.Rst);

        Send(harness, Udp("10.0.0.1", "10.0.0.2", 3, 53));

        var evicted = Assert.Single(harness.Sink.Flows);
        Assert.Equal("forced", evicted.Reason);
        Assert.Equal(6, evicted.Flow!.Protocol);
    }

    [Fact]
    public void OnPacket_ConsumerThrows_QuarantinedWithAnomalyAndFlowEventStillWritten()
    {
        var throwing = new ThrowingConsumer();
        var harness = new TcpHarness(factory: new RecordingConsumerFactory { Create = _ => throwing });
        harness.Handshake();
        harness.ClientData(0, Frames.Payload(10));
        harness.ClientData(10, Frames.Payload(10));
        harness.ServerData(0, Frames.Payload(10));
        harness.Flush();

        Assert.Equal(1, throwing.DataCalls);
        Assert.Equal(0, throwing.EndCalls);
        var fault = Assert.Single(harness.Sink.AnomaliesOf(AnomalyKind.StreamConsumerFault));
        var flow = Assert.Single(harness.Sink.Flows);
        Assert.Same(flow.Flow, fault.Flow);
        Assert.Equal(20, flow.PayloadBytesToServer);
        Assert.Equal(30, harness.Counters.TcpBytesDelivered);
    }

    [Fact]
    public void OnPacket_AppLayerDone_LaterSegmentsNotHandedOnButCountedInTheFlowEvent()
    {
        // The consumer says it has all it needs after its first bytes (as a TLS session without keys does).
        var harness = new TcpHarness(factory: new RecordingConsumerFactory
        {
            Create = flow => new DoneAfterFirstData(flow),
        });
        harness.Handshake();
        harness.ClientData(0, Frames.Payload(10));
        harness.ClientData(10, Frames.Payload(10));
        harness.ServerData(0, Frames.Payload(7));
        harness.Flush();

        var consumer = (DoneAfterFirstData)Assert.Single(harness.Factory.Created);
        Assert.Equal(1, consumer.DataCalls);
        Assert.Equal(0, consumer.EndCalls); // no further calls at all, not even the end
        var flow = Assert.Single(harness.Sink.Flows);
        Assert.Equal(20, flow.PayloadBytesToServer);
        Assert.Equal(7, flow.PayloadBytesToClient);
        Assert.Equal(27, harness.Counters.TcpBytesDelivered);
    }

    [Fact]
    public void OnPacket_AppLayerNotDone_EverySegmentHandedOn()
    {
        // The control for the test above: the same packets, a consumer that never says it is done.
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, Frames.Payload(10));
        harness.ClientData(10, Frames.Payload(10));
        harness.ServerData(0, Frames.Payload(7));
        harness.Flush();

        Assert.Equal(20, harness.Consumer.Bytes(Direction.ToServer).Length);
        Assert.Equal(7, harness.Consumer.Bytes(Direction.ToClient).Length);
        Assert.Equal(EndReason.EndOfInput, harness.Consumer.End(Direction.ToServer));
    }

    [Fact]
    public void Flush_ConsumerThrowsAtEnd_FaultReportedAndFlowEventWritten()
    {
        var throwing = new ThrowingConsumer { ThrowOnData = false, ThrowOnEnd = true };
        var harness = new TcpHarness(factory: new RecordingConsumerFactory { Create = _ => throwing });
        harness.Handshake();
        harness.ClientData(0, Frames.Payload(10));
        harness.Flush();

        Assert.Equal(1, throwing.EndCalls); // the second direction's end goes to the quarantine, not to the consumer
        Assert.Single(harness.Sink.AnomaliesOf(AnomalyKind.StreamConsumerFault));
        Assert.Single(harness.Sink.Flows);
    }

    [Fact]
    public void OnPacket_IcmpEchoRequestAndReply_OneEstablishedFlow()
    {
        var harness = new TcpHarness();
        Send(harness, Icmp("10.0.0.9", "10.0.0.1", 8, 0));
        Send(harness, Icmp("10.0.0.1", "10.0.0.9", 0, 0));
        Send(harness, Icmp("10.0.0.9", "10.0.0.1", 3, 1)); // one-way: a flow of its own
        harness.Flush();

        var flows = harness.Sink.Flows.ToList();
        Assert.Equal(2, flows.Count);
        Assert.Equal("established", flows[0].State);
        Assert.Equal("10.0.0.9", flows[0].Flow!.Source.ToString());
        Assert.Equal(1, flows[0].PacketsToClient);
        Assert.Equal("new", flows[1].State);
    }

    [Fact]
    public void Flush_OpenFlows_WrittenInFlowIdOrderWithShutdownReason()
    {
        var harness = new TcpHarness();
        for (ushort port = 10; port > 0; port--)
        {
            Send(harness, Udp("10.0.0.1", "10.0.0.2", port, 53));
        }

        harness.Flush();

        var flows = harness.Sink.Flows.ToList();
        Assert.Equal(10, flows.Count);
        Assert.Equal(flows.Select(f => f.Flow!.FlowId).Order(), flows.Select(f => f.Flow!.FlowId));
        Assert.All(flows, f => Assert.Equal("shutdown", f.Reason));
        Assert.Equal(0, harness.Table.Count);
    }

    [Fact]
    public void OnPacket_SameTupleOnDifferentVlans_TwoFlows()
    {
        var harness = new TcpHarness();
        var packet = Udp("10.0.0.1", "10.0.0.2", 1, 53);
        Send(harness, packet with { VlanId = 10 });
        Send(harness, packet with { VlanId = 20 });

        Assert.Equal(2, harness.Table.Count);
    }

    /// <summary>Counts its calls; sets <see cref="FlowIdentity.AppLayerDone"/> on its first bytes.</summary>
    private sealed class DoneAfterFirstData(FlowIdentity flow) : IStreamConsumer
    {
        public int DataCalls { get; private set; }

        public int EndCalls { get; private set; }

        public void OnData(Direction direction, System.Buffers.ReadOnlySequence<byte> data)
        {
            DataCalls++;
            flow.AppLayerDone = true;
        }

        public void OnGap(Direction direction, long missingBytes)
        {
        }

        public void OnEnd(Direction direction, EndReason reason) => EndCalls++;
    }
}
