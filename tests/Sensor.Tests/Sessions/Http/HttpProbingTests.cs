using System.Buffers;
using System.Text;
using Sensor.Core.Streams;
using Sensor.Protocols.Http1;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Http;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions.Http;

public sealed class HttpProbingTests
{
    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("PATCH /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")]
    public void AFlowStartingWithAMethod_BecomesAnHttpSession_EvenByteByByte(string request)
    {
        var recorder = new EventRecorder();
        var flow = EventRecorder.Flow(8080);
        var consumer = new AppLayerFactory(recorder.Context).CreateConsumer(flow)!;
        foreach (var b in Encoding.ASCII.GetBytes(request))
        {
            consumer.OnData(Direction.ToServer, new ReadOnlySequence<byte>([b]));
        }

        consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray()));
        consumer.OnEnd(Direction.ToServer, EndReason.Fin);
        consumer.OnEnd(Direction.ToClient, EndReason.Fin);
        var e = Assert.Single(recorder.Of<HttpEvent>());
        Assert.Equal((200, true), (e.Exchange.Status, e.Complete));
        Assert.Equal("http", flow.AppProto);
    }

    [Fact]
    public void TheH2cPreface_GoesToTheHttp2Slot_AndOtherBytesAreNotHttp()
    {
        var recorder = new EventRecorder();
        var flow = EventRecorder.Flow(80);
        var consumer = new AppLayerFactory(recorder.Context).CreateConsumer(flow)!;
        consumer.OnData(Direction.ToServer, new ReadOnlySequence<byte>(HttpProbe.Http2Preface.ToArray()));
        consumer.OnEnd(Direction.ToServer, EndReason.Fin);
        Assert.Equal("http2", flow.AppProto);
        Assert.Empty(recorder.Of<HttpEvent>());

        Assert.Equal(HttpProbeResult.NotHttp, HttpProbe.Probe("GETX /"u8));
        Assert.Equal(HttpProbeResult.NeedMoreData, HttpProbe.Probe("DELE"u8));
        Assert.Equal(HttpProbeResult.NotHttp, HttpProbe.Probe("CONNECT "u8));
        Assert.Equal(HttpProbeResult.Http2Preface, HttpProbe.Probe("PRI * HT"u8));
    }

    [Fact]
    public void HttpSessions_WithoutAlpn_SniffsThePreface_AndGivesHttp1Otherwise()
    {
        var recorder = new EventRecorder();
        var flow = EventRecorder.Flow(443);
        var session = HttpSessions.Create(flow, recorder.Context, alpn: "http/1.1", decrypted: true);
        var request = "GET /p HTTP/1.1\r\nHost: h\r\n\r\n"u8.ToArray();
        session.OnData(Direction.ToServer, new ReadOnlySequence<byte>(request, 0, 3)); // "GET" could not be the preface
        session.OnData(Direction.ToServer, new ReadOnlySequence<byte>(request, 3, request.Length - 3));
        session.OnData(Direction.ToClient, new ReadOnlySequence<byte>("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"u8.ToArray()));
        var e = Assert.Single(recorder.Of<HttpEvent>());
        Assert.Equal(("/p", 404, true), (e.Exchange.Target, e.Exchange.Status, e.Exchange.Decrypted));
    }
}
