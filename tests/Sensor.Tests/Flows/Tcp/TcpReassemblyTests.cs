using Sensor.Core.Diagnostics;
using Sensor.Core.Streams;
using Sensor.Decode;
using Sensor.Flows;
using Sensor.Flows.Tcp;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Flows.Tcp;

/// <summary>TCP reassembly driven through <see cref="FlowTable.OnPacket"/> with a recording consumer.</summary>
public class TcpReassemblyTests
{
    private static readonly byte[] s_request = Frames.Payload(1000, 21);
    private static readonly byte[] s_response = Frames.Payload(1500, 22);

    /// <summary>(offset, length) windows over a stream of <paramref name="total"/> bytes in the given delivery order.</summary>
    internal static List<(int Offset, int Length)> Segments(int total, string order, int size = 100, int seed = 1)
    {
        var inOrder = new List<(int, int)>();
        for (var offset = 0; offset < total; offset += size)
        {
            inOrder.Add((offset, Math.Min(size, total - offset)));
        }

        var random = new Random(seed);
        switch (order)
        {
            case "in-order":
                return inOrder;
            case "reversed":
                inOrder.Reverse();
                return inOrder;
            case "duplicated":
                return inOrder.SelectMany(s => new[] { s, s }).ToList();
            case "shuffled":
                return inOrder.OrderBy(_ => random.Next()).ToList();
            case "overlapping":
            {
                // Windows of 1.5 x size every size/2 bytes, in random order: every byte is sent two or three times.
                var windows = new List<(int, int)>();
                for (var offset = 0; offset < total; offset += size / 2)
                {
                    windows.Add((offset, Math.Min(size + (size / 2), total - offset)));
                }

                return windows.OrderBy(_ => random.Next()).ToList();
            }

            case "retransmit-and-reorder":
            {
                var list = inOrder.OrderBy(_ => random.Next()).ToList();
                list.AddRange(inOrder.Where((_, i) => i % 3 == 0));
                return list.OrderBy(_ => random.Next()).ToList();
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(order));
        }
    }

    public static TheoryData<string> Orders => ["in-order", "reversed", "duplicated", "shuffled", "overlapping", "retransmit-and-reorder"];

    [Theory]
    [MemberData(nameof(Orders))]
    public void OnPacket_SameStreamInAnyDeliveryOrder_SameBytesPerDirection(string order)
    {
        var harness = new TcpHarness();
        harness.Handshake();
        foreach (var (offset, length) in Segments(s_request.Length, order, seed: 1))
        {
            harness.ClientData(offset, s_request.AsSpan(offset, length).ToArray());
        }

        foreach (var (offset, length) in Segments(s_response.Length, order, size: 160, seed: 2))
        {
            harness.ServerData(offset, s_response.AsSpan(offset, length).ToArray());
        }

        harness.ClientFin(s_request.Length);
        harness.ServerFin(s_response.Length);

        var consumer = harness.Consumer;
        Assert.Equal(s_request, consumer.Bytes(Direction.ToServer));
        Assert.Equal(s_response, consumer.Bytes(Direction.ToClient));
        Assert.Empty(consumer.Gaps(Direction.ToServer));
        Assert.Empty(consumer.Gaps(Direction.ToClient));
        Assert.Equal(EndReason.Fin, consumer.End(Direction.ToServer));
        Assert.Equal(EndReason.Fin, consumer.End(Direction.ToClient));
        Assert.Empty(consumer.Violations);
        Assert.Empty(harness.Sink.Anomalies);
        Assert.Equal(0, harness.Table.ReassemblyMemoryInUse);
    }

    [Fact]
    public void OnPacket_InOrderConversation_FlowEventCountsAndClosedState()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request);
        harness.ServerData(0, s_response);
        harness.ClientFin(s_request.Length);
        harness.ServerFin(s_response.Length);
        harness.Flush();

        var flow = Assert.Single(harness.Sink.Flows);
        Assert.Equal("closed", flow.State);
        Assert.Equal("shutdown", flow.Reason);
        Assert.False(flow.Midstream);
        Assert.Equal(4, flow.PacketsToServer);
        Assert.Equal(3, flow.PacketsToClient);
        Assert.Equal(s_request.Length, flow.PayloadBytesToServer);
        Assert.Equal(s_response.Length, flow.PayloadBytesToClient);
        Assert.Equal("SFPA", flow.TcpFlags);
        Assert.Equal("10.0.0.1", flow.Flow!.Source.ToString());
        Assert.Equal(40000, flow.Flow.SourcePort);
        Assert.Equal(harness.Counters.TcpBytesDelivered, s_request.Length + s_response.Length);
    }

    [Fact]
    public void OnPacket_HoleThenEndOfInput_GapReportedOnceThenRest()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request[..100]);
        harness.ClientData(150, s_request[150..300]);
        harness.ClientData(300, s_request[300..400]);

        Assert.Equal(["ToServer data 100"], harness.Consumer.Log);

        harness.Flush();

        var consumer = harness.Consumer;
        Assert.Equal(["ToServer data 100", "ToServer gap 50", "ToServer data 150", "ToServer data 100", "ToServer end EndOfInput"], consumer.Log.Where(l => l.StartsWith("ToServer", StringComparison.Ordinal)));
        Assert.Equal([.. s_request[..100], .. s_request[150..400]], consumer.Bytes(Direction.ToServer));
        var gap = Assert.Single(harness.Sink.AnomaliesOf(AnomalyKind.TcpReassemblyGap));
        Assert.Equal(50, gap.Value);
        Assert.Equal(50, Assert.Single(harness.Sink.Flows).GapBytesToServer);
        Assert.Equal(1, harness.Counters.TcpGaps);
    }

    [Fact]
    public void OnPacket_HoleBeforeFin_GapThenRestThenFin()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request[..100]);
        harness.ClientData(200, s_request[200..300]);
        harness.ClientFin(300);
        harness.Flush();

        Assert.Equal(["ToServer data 100", "ToServer gap 100", "ToServer data 100", "ToServer end Fin"], harness.Consumer.Log.Where(l => l.StartsWith("ToServer", StringComparison.Ordinal)));
    }

    [Fact]
    public void OnPacket_FinArrivesBeforeMissingSegment_EndsWithFinAfterHoleFills()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request[..10]);
        harness.ClientData(20, s_request[20..30], TcpFlags.Fin);
        Assert.Null(harness.Consumer.End(Direction.ToServer));

        harness.ClientData(10, s_request[10..20]);

        Assert.Equal(s_request[..30], harness.Consumer.Bytes(Direction.ToServer));
        Assert.Equal(EndReason.Fin, harness.Consumer.End(Direction.ToServer));
        Assert.Empty(harness.Consumer.Gaps(Direction.ToServer));
    }

    [Fact]
    public void OnPacket_BufferedSegmentThenOverlapWithDifferentData_AnomalyAndFirstDataWins()
    {
        var harness = new TcpHarness();
        var first = Frames.Payload(40, 31);
        var later = Frames.Payload(40, 32);
        harness.Handshake();
        harness.ClientData(10, first[10..30]);   // buffered: [10, 30)
        harness.ClientData(20, later[20..40]);   // overlaps [20, 30) with other bytes
        harness.ClientData(0, first[..10]);      // fills the hole
        harness.ClientFin(40);

        Assert.Equal([.. first[..30], .. later[30..40]], harness.Consumer.Bytes(Direction.ToServer));
        var anomaly = Assert.Single(harness.Sink.AnomaliesOf(AnomalyKind.TcpOverlapDifferentData));
        Assert.Equal(10, anomaly.Value);
        Assert.Equal(1, harness.Counters.TcpOverlapsDifferentData);
    }

    [Fact]
    public void OnPacket_InOrderSegmentCoveringBufferedBytesWithDifferentData_AnomalyAndFirstDataWins()
    {
        var harness = new TcpHarness();
        var first = Frames.Payload(40, 41);
        var later = Frames.Payload(40, 42);
        harness.Handshake();
        harness.ClientData(20, first[20..30]);   // buffered first
        harness.ClientData(0, later[..40]);      // in order, covers the buffered range with other bytes
        harness.ClientFin(40);

        Assert.Equal([.. later[..20], .. first[20..30], .. later[30..40]], harness.Consumer.Bytes(Direction.ToServer));
        var anomaly = Assert.Single(harness.Sink.AnomaliesOf(AnomalyKind.TcpOverlapDifferentData));
        Assert.Equal(10, anomaly.Value);
        Assert.Equal(EndReason.Fin, harness.Consumer.End(Direction.ToServer));
    }

    [Fact]
    public void OnPacket_DataOnSynAndOnFin_DeliveredAroundTheSequenceNumbersTheyUse()
    {
        // TCP Fast Open: data on the SYN starts at ISN + 1; data on the FIN ends where the FIN is.
        var harness = new TcpHarness();
        harness.Send(Direction.ToServer, TcpHarness.ClientIsn, TcpFlags.Syn, s_request[..50]);
        harness.Send(Direction.ToClient, TcpHarness.ServerIsn, TcpFlags.Syn | TcpFlags.Ack, [], TcpHarness.ClientIsn + 51);
        harness.ClientData(50, s_request[50..80], TcpFlags.Fin);

        Assert.Equal(s_request[..80], harness.Consumer.Bytes(Direction.ToServer));
        Assert.Equal(EndReason.Fin, harness.Consumer.End(Direction.ToServer));
    }

    [Fact]
    public void OnPacket_RetransmissionOfDeliveredBytes_DroppedAndCounted()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request[..100]);
        harness.ClientData(0, Frames.Payload(100, 99));
        harness.ClientData(50, Frames.Concat(s_request[50..100], s_request[100..150])); // half old, half new

        Assert.Equal(s_request[..150], harness.Consumer.Bytes(Direction.ToServer));
        Assert.Equal(1, harness.Counters.TcpRetransmissions);
        Assert.Equal(1, harness.Counters.TcpOverlaps);
    }

    [Fact]
    public void OnPacket_MidstreamPickupWithoutSyn_DeliversAndMarksMidstream()
    {
        var harness = new TcpHarness();
        harness.Send(Direction.ToServer, 5000, TcpFlags.Ack | TcpFlags.Psh, s_request[..300], 9000);
        harness.Send(Direction.ToClient, 9000, TcpFlags.Ack | TcpFlags.Psh, s_response[..200], 5300);
        harness.Send(Direction.ToServer, 5300, TcpFlags.Ack | TcpFlags.Psh, s_request[300..500], 9200);
        harness.Flush();

        Assert.Equal(s_request[..500], harness.Consumer.Bytes(Direction.ToServer));
        Assert.Equal(s_response[..200], harness.Consumer.Bytes(Direction.ToClient));
        var flow = Assert.Single(harness.Sink.Flows);
        Assert.True(flow.Midstream);
        Assert.Equal("established", flow.State);
        Assert.Equal(1, harness.Counters.TcpMidstreamPickups);
    }

    [Fact]
    public void OnPacket_MidstreamPickupFromWellKnownPort_PeerIsClient()
    {
        var harness = new TcpHarness { ServerPort = 443 };
        harness.Send(Direction.ToClient, 9000, TcpFlags.Ack | TcpFlags.Psh, s_response[..100], 5000);
        harness.Flush();

        var flow = Assert.Single(harness.Sink.Flows).Flow!;
        Assert.Equal("10.0.0.1", flow.Source.ToString());
        Assert.Equal(40000, flow.SourcePort);
        Assert.Equal(443, flow.DestinationPort);
        Assert.Equal(s_response[..100], harness.Consumer.Bytes(Direction.ToClient));
    }

    [Fact]
    public void OnPacket_PeerAckBeyondHoleWithDataBuffered_GapImmediately()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request[..100]);
        harness.ClientData(150, s_request[150..300]);
        Assert.Empty(harness.Consumer.Gaps(Direction.ToServer));

        harness.ServerAck(300);

        var consumer = harness.Consumer;
        Assert.Equal(["ToServer data 100", "ToServer gap 50", "ToServer data 150"], consumer.Log);
        Assert.Null(consumer.End(Direction.ToServer));
        Assert.Equal(0, harness.Table.ReassemblyMemoryInUse);

        // The stream goes on after the gap.
        harness.ClientData(300, s_request[300..400]);
        Assert.Equal([.. s_request[..100], .. s_request[150..400]], consumer.Bytes(Direction.ToServer));
    }

    [Fact]
    public void OnPacket_PeerAckBeyondEverythingSeen_GapAtEnd()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request[..100]);
        harness.ServerAck(250);
        Assert.Empty(harness.Consumer.Gaps(Direction.ToServer));

        harness.Flush();

        Assert.Equal([150L], harness.Consumer.Gaps(Direction.ToServer));
        Assert.Equal(EndReason.EndOfInput, harness.Consumer.End(Direction.ToServer));
    }

    [Fact]
    public void OnPacket_ClientFin_EndsOnlyThatDirectionWithFin()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request[..100]);
        harness.ClientFin(100);

        Assert.Equal(EndReason.Fin, harness.Consumer.End(Direction.ToServer));
        Assert.Null(harness.Consumer.End(Direction.ToClient));

        harness.ServerData(0, s_response[..50]);
        harness.Flush();

        Assert.Equal(s_response[..50], harness.Consumer.Bytes(Direction.ToClient));
        Assert.Equal(EndReason.EndOfInput, harness.Consumer.End(Direction.ToClient));
        Assert.Empty(harness.Consumer.Violations);
    }

    [Fact]
    public void OnPacket_Rst_EndsBothDirectionsWithReset()
    {
        var harness = new TcpHarness();
        harness.Handshake();
        harness.ClientData(0, s_request[..100]);
        harness.ClientData(200, s_request[200..300]); // buffered behind a hole
        harness.Send(Direction.ToClient, TcpHarness.ServerIsn + 1, TcpFlags.Rst);

        var consumer = harness.Consumer;
        Assert.Equal(EndReason.Reset, consumer.End(Direction.ToServer));
        Assert.Equal(EndReason.Reset, consumer.End(Direction.ToClient));
        Assert.Equal([100L], consumer.Gaps(Direction.ToServer));
        Assert.Equal(0, harness.Table.ReassemblyMemoryInUse);

        // Late segments after the reset are ignored by the ended streams.
        harness.ClientData(300, s_request[300..400]);
        harness.Flush();
        Assert.Empty(consumer.Violations);
        Assert.Equal("closed", Assert.Single(harness.Sink.Flows).State);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void OnPacket_SequenceNumbersWrapAround_SameBytes(string order)
    {
        const uint clientIsn = 0xFFFF_FE00; // the stream crosses 2^32 after 511 bytes
        const uint serverIsn = 0xFFFF_FFFF; // data starts exactly at 0
        var harness = new TcpHarness();
        harness.Handshake(clientIsn, serverIsn);
        foreach (var (offset, length) in Segments(s_request.Length, order, size: 96, seed: 5))
        {
            harness.ClientData(offset, s_request.AsSpan(offset, length).ToArray(), clientIsn: clientIsn, serverIsn: serverIsn);
        }

        foreach (var (offset, length) in Segments(s_response.Length, order, size: 128, seed: 6))
        {
            harness.ServerData(offset, s_response.AsSpan(offset, length).ToArray(), clientIsn: clientIsn, serverIsn: serverIsn);
        }

        harness.Send(Direction.ToServer, unchecked(clientIsn + 1 + (uint)s_request.Length), TcpFlags.Fin | TcpFlags.Ack, [], unchecked(serverIsn + 1));

        Assert.Equal(s_request, harness.Consumer.Bytes(Direction.ToServer));
        Assert.Equal(s_response, harness.Consumer.Bytes(Direction.ToClient));
        Assert.Equal(EndReason.Fin, harness.Consumer.End(Direction.ToServer));
        Assert.Empty(harness.Consumer.Gaps(Direction.ToServer));
    }

    [Fact]
    public void OnPacket_OutOfOrderPastPerDirectionCap_StreamMemcapGapAndBoundedBuffer()
    {
        var limits = new ReassemblyLimits { MaxBufferedBytesPerDirection = 1000 };
        var harness = new TcpHarness(new FlowTableOptions { Reassembly = limits });
        var data = Frames.Payload(3000, 51);
        harness.Handshake();

        // The first 10 bytes never arrive; everything after comes in order.
        for (var offset = 10; offset < data.Length; offset += 100)
        {
            harness.ClientData(offset, data[offset..Math.Min(offset + 100, data.Length)]);
            Assert.True(harness.Table.ReassemblyMemoryInUse <= 2 * limits.MaxBufferedBytesPerDirection, $"{harness.Table.ReassemblyMemoryInUse} bytes buffered");
        }

        harness.ClientFin(data.Length);

        var consumer = harness.Consumer;
        Assert.Equal(data[10..], consumer.Bytes(Direction.ToServer));
        Assert.Equal([10L], consumer.Gaps(Direction.ToServer));
        Assert.Equal(EndReason.Fin, consumer.End(Direction.ToServer));
        Assert.Single(harness.Sink.AnomaliesOf(AnomalyKind.TcpStreamMemcap));
    }

    [Fact]
    public void OnPacket_GlobalMemcapAcrossFlows_AnomalyAndMemoryNeverAboveCap()
    {
        const long cap = 8 * 1024;
        var limits = new ReassemblyLimits { GlobalMemoryCap = cap };
        var options = new FlowTableOptions { Reassembly = limits };
        var sink = new RecordingSink();
        var counters = new Sensor.Core.Diagnostics.SensorCounters();
        var factory = new RecordingConsumerFactory();
        var table = new FlowTable(options, sink, new AnomalyReporter(sink, counters), counters, factory);
        var data = Frames.Payload(4000, 61);

        for (ushort flow = 0; flow < 4; flow++)
        {
            // Each flow misses its first 100 bytes and then sends 3900 bytes out of order.
            for (var offset = 100; offset < data.Length; offset += 100)
            {
                var packet = new DecodedPacket
                {
                    IpVersion = 4,
                    Protocol = IpProtocol.Tcp,
                    Source = TcpHarness.ClientAddress,
                    Destination = TcpHarness.ServerAddress,
                    SourcePort = (ushort)(50000 + flow),
                    DestinationPort = 80,
                    Sequence = 1000 + (uint)offset,
                    TcpFlags = TcpFlags.Ack,
                    PayloadLength = 100,
                };
                if (offset == 100)
                {
                    // Pick the flow up at offset 0 with a zero-length segment so later data is out of order.
                    table.OnPacket(packet with { Sequence = 1000, PayloadLength = 0 }, Array.Empty<byte>(), 54, 1);
                }

                table.OnPacket(packet, data.AsMemory(offset, 100), 154, 2);
                Assert.True(table.ReassemblyMemoryInUse <= cap, $"{table.ReassemblyMemoryInUse} bytes buffered");
            }

            // The FIN proves where the stream ended, so bytes dropped at the cap become gaps.
            var fin = new DecodedPacket
            {
                IpVersion = 4,
                Protocol = IpProtocol.Tcp,
                Source = TcpHarness.ClientAddress,
                Destination = TcpHarness.ServerAddress,
                SourcePort = (ushort)(50000 + flow),
                DestinationPort = 80,
                Sequence = 1000 + (uint)data.Length,
                TcpFlags = TcpFlags.Ack | TcpFlags.Fin,
            };
            table.OnPacket(fin, Array.Empty<byte>(), 54, 2);
        }

        Assert.True(counters.Anomalies[(int)AnomalyKind.TcpGlobalMemcap] > 0);
        Assert.InRange(table.ReassemblyMemoryPeak, 1, cap);

        table.Flush(3);

        Assert.Equal(0, table.ReassemblyMemoryInUse);
        foreach (RecordingConsumer consumer in factory.Created)
        {
            // Whatever was dropped comes back as gaps: bytes delivered plus gaps cover the whole stream.
            Assert.Equal(data.Length, consumer.Bytes(Direction.ToServer).Length + consumer.Gaps(Direction.ToServer).Sum());
            Assert.Empty(consumer.Violations);
        }
    }
}
