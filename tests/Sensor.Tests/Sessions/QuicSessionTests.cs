using Sensor.Core.Diagnostics;
using Sensor.Core.Streams;
using Sensor.Protocols.Quic;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Quic;
using Sensor.Tests.Protocols.Quic;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions;

/// <summary>QUIC through the UDP probe: Initial packets opened, CRYPTO reassembled, one <c>quic</c> event.</summary>
public sealed class QuicSessionTests
{
    private static byte[] Hello => Rfc9001Vectors.s_cryptoFrame[4..];

    [Fact]
    public void Rfc9001ClientInitial_GivesAQuicEvent()
    {
        var (events, anomalies, flow) = Run([Rfc9001Vectors.ProtectedPacket]);

        var quic = Assert.Single(events);
        Assert.Equal("1", quic.Version);
        Assert.Equal("example.com", quic.Sni);
        Assert.Equal(["alpn"], quic.Alpns);
        Assert.StartsWith("q13d0211an_", quic.Ja4, StringComparison.Ordinal);
        Assert.False(quic.Ech);
        Assert.Equal("quic", flow.AppProto);
        Assert.Empty(anomalies);
    }

    [Fact]
    public void V2Initial_IsReportedAsVersion2()
    {
        var (events, _, _) = Run([Rfc9001Vectors.ProtectedPacketV2()]);
        Assert.Equal("2", Assert.Single(events).Version);
    }

    [Fact]
    public void HelloOverTwoInitials_InTwoDatagramsOrCoalesced_InEitherOrder_GivesOneEvent()
    {
        var expected = Run([Rfc9001Vectors.ProtectedPacket]).Events.Single().Ja4;
        var first = Rfc9001Vectors.Initial(0, [.. QuicCryptoFramesTests.Frame(0, Hello[..150]), .. new byte[900]]);
        var second = Rfc9001Vectors.Initial(1, [.. QuicCryptoFramesTests.Frame(150, Hello[150..]), .. new byte[900]]);

        foreach (var datagrams in new[] { [first, second], [second, first], new[] { first.Concat(second).ToArray() } })
        {
            var (events, anomalies, _) = Run(datagrams);
            Assert.Equal(expected, Assert.Single(events).Ja4);
            Assert.Empty(anomalies);
        }
    }

    [Fact]
    public void CorruptedInitial_IsAnAnomaly_AndTheNextGoodOneStillCounts()
    {
        var bad = (byte[])Rfc9001Vectors.ProtectedPacket.Clone();
        bad[700] ^= 0xFF;

        var (events, anomalies, _) = Run([bad, Rfc9001Vectors.ProtectedPacket]);

        Assert.Equal(AnomalyKind.QuicInitialUndecryptable, Assert.Single(anomalies).Kind);
        Assert.Single(events);
    }

    [Fact]
    public void InitialWithAStreamFrame_IsMalformedFrames()
    {
        var (events, anomalies, _) = Run([Rfc9001Vectors.Initial(0, [0x08, 0x00, 0x01, 0x61, .. new byte[40]])]);
        Assert.Empty(events);
        Assert.Equal(AnomalyKind.QuicMalformedFrames, Assert.Single(anomalies).Kind);
    }

    [Fact]
    public void CryptoThatIsNotAClientHello_IsMalformedClientHello()
    {
        var (events, anomalies, _) = Run([Rfc9001Vectors.Initial(0, [.. QuicCryptoFramesTests.Frame(0, [0x02, 0x00, 0x00, 0x01, 0x00]), .. new byte[40]])]);
        Assert.Empty(events);
        Assert.Equal(AnomalyKind.QuicMalformedClientHello, Assert.Single(anomalies).Kind);
    }

    [Fact]
    public void NonQuicUdp_AndServerDatagrams_AreIgnored()
    {
        Assert.Empty(Run([[0x17, 0x03, 0x03, 0x00, 0x10]]).Events);

        var recorder = new EventRecorder();
        var consumer = new AppLayerFactory(recorder.Context).CreateDatagramConsumer(EventRecorder.Flow(443, protocol: 17))!;
        consumer.OnDatagram(Direction.ToServer, Rfc9001Vectors.Initial(0, [.. QuicCryptoFramesTests.Frame(0, Hello[..10]), .. new byte[40]]));
        consumer.OnDatagram(Direction.ToClient, Rfc9001Vectors.ProtectedPacket); // a server never sends the client's hello
        consumer.OnEnd(EndReason.Timeout);
        Assert.Empty(recorder.Of<QuicEvent>());
    }

    [Fact]
    public void GarbageDatagrams_NeverThrow()
    {
        var random = new Random(443);
        var packet = Rfc9001Vectors.ProtectedPacket;
        for (var i = 0; i < 200; i++)
        {
            var recorder = new EventRecorder();
            var consumer = new AppLayerFactory(recorder.Context).CreateDatagramConsumer(EventRecorder.Flow(443, protocol: 17))!;
            for (var d = 0; d < 4; d++)
            {
                consumer.OnDatagram(Direction.ToServer, d == 0 ? packet : Segments.TruncateWithGarbage(packet, random, random.Next(80), random.Next(0, 1200)));
            }

            consumer.OnEnd(EndReason.Timeout);
        }
    }

    private static (List<QuicEvent> Events, IReadOnlyList<Sensor.Core.Events.AnomalyEvent> Anomalies, Sensor.Core.Events.FlowIdentity Flow) Run(IEnumerable<byte[]> datagrams)
    {
        var recorder = new EventRecorder();
        var flow = EventRecorder.Flow(443, protocol: 17);
        var consumer = new AppLayerFactory(recorder.Context).CreateDatagramConsumer(flow)!;
        foreach (var datagram in datagrams)
        {
            consumer.OnDatagram(Direction.ToServer, datagram);
        }

        consumer.OnEnd(EndReason.Timeout);
        return ([.. recorder.Of<QuicEvent>()], recorder.Anomalies, flow);
    }
}
