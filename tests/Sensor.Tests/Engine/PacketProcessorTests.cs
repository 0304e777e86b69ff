using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Decode;
using Sensor.Decode.Defrag;
using Sensor.Decode.Link;
using Sensor.Engine;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Engine;

/// <summary>Frames through the whole passive path: decode, defragment, flow table, reassembly.</summary>
public class PacketProcessorTests
{
    private const long T0 = 1_700_000_000_000_000;

    private readonly RecordingSink _sink = new();

    private PacketProcessor Create(EngineOptions? options = null, IStreamConsumerFactory? consumers = null) =>
        new(options ?? new EngineOptions(), _sink, consumers: consumers);

    /// <summary>A UDP datagram (header + <paramref name="dataLength"/> bytes) cut into IPv4 fragments of at most 1480 bytes.</summary>
    private static List<byte[]> FragmentedUdpIpv4(int dataLength, out byte[] datagram)
    {
        datagram = Frames.Udp(40001, 4789, Frames.Payload(dataLength, 77));
        var frames = new List<byte[]>();
        for (var offset = 0; offset < datagram.Length; offset += 1480)
        {
            var end = Math.Min(offset + 1480, datagram.Length);
            frames.Add(Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("192.0.2.1", "198.51.100.7", IpProtocol.Udp, datagram[offset..end], id: 0x5151, moreFragments: end < datagram.Length, fragmentOffset: offset)));
        }

        return frames;
    }

    private static List<byte[]> FragmentedUdpIpv6(int dataLength, out byte[] datagram)
    {
        datagram = Frames.Udp(40002, 53, Frames.Payload(dataLength, 78));
        var frames = new List<byte[]>();
        for (var offset = 0; offset < datagram.Length; offset += 1232)
        {
            var end = Math.Min(offset + 1232, datagram.Length);
            var payload = Frames.Concat(Frames.FragmentHeader(IpProtocol.Udp, offset, end < datagram.Length, 0xABCDEF), datagram[offset..end]);
            frames.Add(Frames.Ethernet(Frames.EtherTypeIpv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", IpProtocol.Ipv6Fragment, payload)));
        }

        return frames;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Process_FragmentedUdpDatagram_OneFlowWithReassembledPayloadSize(bool ipv6, bool reversed)
    {
        var frames = ipv6 ? FragmentedUdpIpv6(4000, out var datagram) : FragmentedUdpIpv4(4000, out datagram);
        Assert.Equal(ipv6 ? 4 : 3, frames.Count);
        if (reversed)
        {
            frames.Reverse();
        }

        var processor = Create();
        var time = T0;
        foreach (var frame in frames)
        {
            processor.Process(LinkType.Ethernet, time += 100, frame);
        }

        processor.Finish();

        var flow = Assert.Single(_sink.Flows);
        Assert.Equal(IpProtocol.Udp, flow.Flow!.Protocol);
        Assert.Equal(ipv6 ? 40002 : 40001, flow.Flow.SourcePort);
        Assert.Equal(4000, flow.PayloadBytesToServer);
        Assert.Equal(datagram.Length, flow.BytesToServer);
        Assert.Equal(1, flow.PacketsToServer);
        Assert.Equal(frames.Count, processor.Counters.Fragments);
        Assert.Equal(1, processor.Counters.FragmentsReassembled);
        Assert.Equal(1, processor.Counters.Udp);
        Assert.Empty(_sink.Anomalies);
    }

    [Fact]
    public void Process_FragmentWithDifferentOverlap_AnomalyEventAndFirstDataKept()
    {
        var frames = FragmentedUdpIpv4(2000, out _);
        var evil = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("192.0.2.1", "198.51.100.7", IpProtocol.Udp, Frames.Payload(16, 5), id: 0x5151, moreFragments: true, fragmentOffset: 8));
        var processor = Create();

        processor.Process(LinkType.Ethernet, T0, frames[0]);
        processor.Process(LinkType.Ethernet, T0 + 1, evil);
        processor.Process(LinkType.Ethernet, T0 + 2, frames[1]);
        processor.Finish();

        Assert.Single(_sink.AnomaliesOf(AnomalyKind.FragmentOverlapDifferentData));
        Assert.Equal(2000, Assert.Single(_sink.Flows).PayloadBytesToServer);
    }

    [Fact]
    public void Finish_IncompleteDatagram_FragmentIncompleteAndNoFlow()
    {
        var frames = FragmentedUdpIpv4(3000, out _);
        var processor = Create();

        processor.Process(LinkType.Ethernet, T0, frames[0]);
        processor.Process(LinkType.Ethernet, T0 + 1, frames[2]);
        processor.Finish();

        Assert.Single(_sink.AnomaliesOf(AnomalyKind.FragmentIncomplete));
        Assert.Empty(_sink.Flows);
        Assert.Single(_sink.Events.OfType<StatsEvent>(), s => s.Final);
    }

    [Fact]
    public void Process_TimePassesDefragTimeout_HousekeepingExpiresFragments()
    {
        var options = new EngineOptions { Defrag = new DefragLimits { TimeoutMicros = 2_000_000 } };
        var frames = FragmentedUdpIpv4(3000, out _);
        var processor = Create(options);
        var unrelated = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Udp, Frames.Udp(1, 2, [])));

        processor.Process(LinkType.Ethernet, T0, frames[0]);
        processor.Process(LinkType.Ethernet, T0 + 1_500_000, unrelated);
        Assert.Empty(_sink.AnomaliesOf(AnomalyKind.FragmentIncomplete));

        processor.Process(LinkType.Ethernet, T0 + 3_000_000, unrelated);
        Assert.Single(_sink.AnomaliesOf(AnomalyKind.FragmentIncomplete));

        // The rest arrives too late: it cannot complete the expired datagram.
        processor.Process(LinkType.Ethernet, T0 + 3_000_001, frames[1]);
        processor.Process(LinkType.Ethernet, T0 + 3_000_002, frames[2]);
        processor.Finish();
        Assert.DoesNotContain(_sink.Flows, f => f.Flow!.Protocol == IpProtocol.Udp && f.Flow.SourcePort == 40001);
    }

    [Fact]
    public void Process_TcpConversationFrames_ConsumerGetsBothDirections()
    {
        var factory = new RecordingConsumerFactory();
        var processor = Create(consumers: factory);
        var request = "GET / HTTP/1.1\r\nHost: example\r\n\r\n"u8.ToArray();
        var response = Frames.Payload(700, 3);
        byte[] Client(uint seq, uint ack, TcpFlags flags, byte[]? data = null) =>
            Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.1.0.1", "10.1.0.2", IpProtocol.Tcp, Frames.Tcp(51000, 80, seq, ack, flags, data)));
        byte[] Server(uint seq, uint ack, TcpFlags flags, byte[]? data = null) =>
            Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.1.0.2", "10.1.0.1", IpProtocol.Tcp, Frames.Tcp(80, 51000, seq, ack, flags, data)));

        byte[][] frames =
        [
            Client(100, 0, TcpFlags.Syn),
            Server(900, 101, TcpFlags.Syn | TcpFlags.Ack),
            Client(101, 901, TcpFlags.Ack),
            Client(101, 901, TcpFlags.Ack | TcpFlags.Psh, request),
            Server(901 + 400, 101 + (uint)request.Length, TcpFlags.Ack | TcpFlags.Psh, response[400..]), // out of order
            Server(901, 101 + (uint)request.Length, TcpFlags.Ack | TcpFlags.Psh, response[..400]),
            Server(901 + 700, 101 + (uint)request.Length, TcpFlags.Ack | TcpFlags.Fin),
            Client(101 + (uint)request.Length, 902 + 700, TcpFlags.Ack | TcpFlags.Fin),
        ];
        var time = T0;
        foreach (var frame in frames)
        {
            processor.Process(LinkType.Ethernet, time += 1000, frame);
        }

        processor.Finish();

        var consumer = (RecordingConsumer)Assert.Single(factory.Created);
        Assert.Equal(request, consumer.Bytes(Direction.ToServer));
        Assert.Equal(response, consumer.Bytes(Direction.ToClient));
        Assert.Equal(EndReason.Fin, consumer.End(Direction.ToServer));
        Assert.Equal(EndReason.Fin, consumer.End(Direction.ToClient));
        var flow = Assert.Single(_sink.Flows);
        Assert.Equal("closed", flow.State);
        Assert.Equal("10.1.0.1", flow.Flow!.Source.ToString());
        Assert.Equal(4, flow.PacketsToServer);
        Assert.Equal(4, flow.PacketsToClient);
        Assert.Equal(frames.Where((_, i) => i is 0 or 2 or 3 or 7).Sum(f => f.Length), flow.BytesToServer);
    }

    [Fact]
    public void Process_ConsumerThrows_FaultAnomalyAndFlowEvent()
    {
        var processor = Create(consumers: new RecordingConsumerFactory { Create = _ => new ThrowingConsumer() });
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.1.0.1", "10.1.0.2", IpProtocol.Tcp, Frames.Tcp(51000, 80, 5, 0, TcpFlags.Ack | TcpFlags.Psh, Frames.Payload(50))));

        processor.Process(LinkType.Ethernet, T0, frame);
        processor.Process(LinkType.Ethernet, T0 + 1, frame);
        processor.Finish();

        Assert.Single(_sink.AnomaliesOf(AnomalyKind.StreamConsumerFault));
        var flow = Assert.Single(_sink.Flows);
        Assert.True(flow.Midstream);
        Assert.Equal(1, processor.Counters.Anomalies[(int)AnomalyKind.StreamConsumerFault]);
    }

    [Fact]
    public void Process_MalformedAndUnsupportedFrames_CountedAsInvalidWithAnomalies()
    {
        var processor = Create();
        var truncated = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Tcp, Frames.Tcp(1, 2, 3, 4, TcpFlags.Ack)))[..40];

        processor.Process(LinkType.Ethernet, T0, truncated);
        processor.Process((LinkType)147, T0 + 1, new byte[60]);
        processor.Process(LinkType.Ethernet, T0 + 2, Frames.Ethernet(Frames.EtherTypeArp, new byte[28]));
        processor.Finish();

        Assert.Equal(2, processor.Counters.Invalid);
        Assert.Equal(1, processor.Counters.NonIp);
        Assert.Single(_sink.AnomaliesOf(AnomalyKind.Ipv4Truncated));
        Assert.Equal(147, Assert.Single(_sink.AnomaliesOf(AnomalyKind.CaptureUnsupportedLinkType)).Value);
        Assert.Empty(_sink.Flows);
    }
}
