using System.Buffers;
using Sensor.Core.Diagnostics;
using Sensor.Core.Streams;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Dns;
using Sensor.Tests.Protocols.Dns;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions;

/// <summary>DNS over UDP and over TCP (RFC 7766 length prefixes) through the app-layer factory, as the engine wires it.</summary>
public sealed class DnsSessionTests
{
    /// <summary>The server's side of a TCP DNS connection: two length-prefixed answers back to back.</summary>
    private static readonly byte[] s_tcpAnswers = [.. Prefixed(DnsVectors.s_responseCnameA), .. Prefixed(DnsVectors.s_responseHttps)];

    [Fact]
    public void Udp_QueryAndAnswer_AreDnsEvents_AndTheAnswerFeedsTheNameCache()
    {
        var recorder = new EventRecorder();
        var factory = new AppLayerFactory(recorder.Context);
        var flow = EventRecorder.Flow(53, protocol: 17);
        var consumer = factory.CreateDatagramConsumer(flow)!;

        consumer.OnDatagram(Direction.ToServer, DnsVectors.s_queryA);
        consumer.OnDatagram(Direction.ToClient, DnsVectors.s_responseCnameA);

        var events = recorder.Of<DnsEvent>().ToList();
        Assert.Equal([false, true], events.Select(e => e.Message.IsResponse));
        Assert.Equal("api.anthropic.com", factory.Names.Lookup(System.Net.IPAddress.Parse("127.10.1.33")));
        Assert.Equal("dns", flow.AppProto);
        Assert.Empty(recorder.Anomalies);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01, 0x01 }, AnomalyKind.DnsMalformed)]
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1 }, AnomalyKind.DnsPointerLoop)]
    public void Udp_MalformedMessage_IsAnAnomaly_NotAnEvent(byte[] payload, AnomalyKind kind)
    {
        var recorder = new EventRecorder();
        var consumer = new AppLayerFactory(recorder.Context).CreateDatagramConsumer(EventRecorder.Flow(53, protocol: 17))!;

        consumer.OnDatagram(Direction.ToServer, payload);

        Assert.Empty(recorder.Of<DnsEvent>());
        Assert.Equal(kind, Assert.Single(recorder.Anomalies).Kind);
    }

    [Fact]
    public void Tcp_MessagesSplitAcrossSegments_GiveTheSameEvents_AtEveryTwoWaySplit()
    {
        var expected = Run([s_tcpAnswers]);
        Assert.Equal(2, expected.Count);
        Assert.Contains("\"rdata\":\"edge.anthropic.com\"", expected[0], StringComparison.Ordinal);
        Assert.Contains("\"rdata\":\"1 . alpn=h2,h3 port=443 ipv4hint=104.18.32.7,172.64.155.249 ech=", expected[1], StringComparison.Ordinal);

        for (var cut = 0; cut <= s_tcpAnswers.Length; cut++)
        {
            var parts = Segments.SplitAt(s_tcpAnswers, cut);
            Assert.Equal(expected, Run(parts));                     // two OnData calls
            Assert.Equal(expected, Run([], Segments.Sequence(parts))); // one call, two segments
        }
    }

    [Fact]
    public void Tcp_RandomChunks_GiveTheSameEvents()
    {
        var expected = Run([s_tcpAnswers]);
        var random = new Random(7766);
        for (var round = 0; round < 100; round++)
        {
            var chunks = Segments.RandomChunks(s_tcpAnswers, random, round % 2 == 0 ? 3 : 40);
            Assert.Equal(expected, Run(chunks));
            Assert.Equal(expected, Run([], Segments.Sequence(chunks)));
        }
    }

    [Fact]
    public void Tcp_QueryFromTheClient_IsAnEventToo()
    {
        var recorder = new EventRecorder();
        var consumer = new AppLayerFactory(recorder.Context).CreateConsumer(EventRecorder.Flow(53))!;

        consumer.OnData(Direction.ToServer, new ReadOnlySequence<byte>(Prefixed(DnsVectors.s_queryA)));

        Assert.False(Assert.Single(recorder.Of<DnsEvent>()).Message.IsResponse);
    }

    [Fact]
    public void Tcp_AfterAGap_TheDirectionIsNotParsedAgain()
    {
        var recorder = new EventRecorder();
        var consumer = new AppLayerFactory(recorder.Context).CreateConsumer(EventRecorder.Flow(53))!;

        consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>(s_tcpAnswers[..10]));
        consumer.OnGap(Direction.ToClient, 100);
        consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>(s_tcpAnswers));

        Assert.Empty(recorder.Of<DnsEvent>());
        Assert.Empty(recorder.Anomalies);
    }

    [Fact]
    public void Tcp_ZeroLengthMessage_IsAnAnomaly_AndTheNextMessageStillParses()
    {
        var recorder = new EventRecorder();
        var consumer = new AppLayerFactory(recorder.Context).CreateConsumer(EventRecorder.Flow(53))!;

        consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>([0x00, 0x00, .. Prefixed(DnsVectors.s_responseNxdomain)]));

        Assert.Equal(AnomalyKind.DnsMalformed, Assert.Single(recorder.Anomalies).Kind);
        Assert.Single(recorder.Of<DnsEvent>());
    }

    [Fact]
    public void Tcp_Garbage_NeverThrows()
    {
        var random = new Random(4);
        for (var i = 0; i < 300; i++)
        {
            var recorder = new EventRecorder();
            var consumer = new AppLayerFactory(recorder.Context).CreateConsumer(EventRecorder.Flow(53))!;
            var input = Segments.TruncateWithGarbage(s_tcpAnswers, random, random.Next(s_tcpAnswers.Length), random.Next(1, 200));
            foreach (var chunk in Segments.RandomChunks(input, random, 50))
            {
                consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>(chunk));
            }

            consumer.OnEnd(Direction.ToClient, EndReason.Fin);
        }
    }

    private static List<string> Run(IEnumerable<byte[]> chunks, ReadOnlySequence<byte>? whole = null)
    {
        var recorder = new EventRecorder();
        var consumer = new AppLayerFactory(recorder.Context).CreateConsumer(EventRecorder.Flow(53))!;
        if (whole is { } sequence)
        {
            consumer.OnData(Direction.ToClient, sequence);
        }

        foreach (var chunk in chunks)
        {
            consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>(chunk));
        }

        Assert.Empty(recorder.Anomalies);
        return [.. recorder.Of<DnsEvent>().Select(EventRecorder.Body)];
    }

    private static byte[] Prefixed(byte[] message) => [(byte)(message.Length >> 8), (byte)message.Length, .. message];
}
