using System.Text;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Protocols.Http2;
using Sensor.Sessions.Http;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions.Http;

/// <summary>
/// <see cref="Http2Session"/> on real HTTP/2 traffic (HttpClient to Kestrel, <see cref="H2cTraffic"/>), fed as
/// recorded, at every split point, in random chunks; and on crafted bad input (gaps, floods, too many streams).
/// </summary>
public sealed class Http2SessionTests
{
    [Fact]
    public void Recorded_traffic_gives_one_exchange_per_request_matching_both_ends()
    {
        var traffic = H2cTraffic.Shared;
        var (recorder, observer) = Run(traffic.Chunks);
        AssertMatchesOracle(traffic, recorder, observer);
        Assert.Empty(recorder.Anomalies);
    }

    [Fact]
    public void Every_two_way_split_of_each_direction_gives_the_same_exchanges()
    {
        var traffic = H2cTraffic.Shared;
        var toServer = traffic.Bytes(Direction.ToServer);
        var toClient = traffic.Bytes(Direction.ToClient);

        // Whole request side first, then the response side: exchanges complete when their responses end.
        var step = Math.Max(1, toClient.Length / 300);
        for (var cut = 0; cut <= toClient.Length; cut += step)
        {
            var chunks = new List<(Direction, byte[])> { (Direction.ToServer, toServer), (Direction.ToClient, toClient[..cut]), (Direction.ToClient, toClient[cut..]) };
            var (recorder, observer) = Run(chunks);
            AssertMatchesOracle(traffic, recorder, observer);
        }

        step = Math.Max(1, toServer.Length / 300);
        for (var cut = 0; cut <= toServer.Length; cut += step)
        {
            var chunks = new List<(Direction, byte[])> { (Direction.ToServer, toServer[..cut]), (Direction.ToServer, toServer[cut..]), (Direction.ToClient, toClient) };
            var (recorder, observer) = Run(chunks);
            AssertMatchesOracle(traffic, recorder, observer);
        }
    }

    [Fact]
    public void Random_chunks_and_multi_segment_sequences_give_the_same_exchanges()
    {
        var traffic = H2cTraffic.Shared;
        var random = new Random(2024);
        for (var round = 0; round < 20; round++)
        {
            var recorder = new EventRecorder();
            var observer = new RecordingObserver();
            var session = new Http2Session(EventRecorder.Flow(80), recorder.Context with { Payloads = new PayloadHooks([observer], []) }, decrypted: false);
            foreach (var (direction, bytes) in traffic.Chunks)
            {
                // One OnData call per recorded read, each cut into a multi-segment sequence.
                session.OnData(direction, Segments.Sequence(Segments.RandomChunks(bytes, random, 1 + random.Next(64))));
            }

            session.OnEnd(Direction.ToServer, EndReason.Fin);
            session.OnEnd(Direction.ToClient, EndReason.Fin);
            AssertMatchesOracle(traffic, recorder, observer);
        }
    }

    [Fact]
    public void Event_stream_body_reaches_observers_incrementally()
    {
        var (recorder, observer) = Run(H2cTraffic.Shared.Chunks);
        var sse = recorder.Of<HttpEvent>().Single(e => e.Exchange.Target == "/sse").Exchange;
        Assert.True(sse.ResponseIsEventStream);
        Assert.Equal(H2cTraffic.SseBody, Encoding.UTF8.GetString(observer.Streamed[sse].ToArray()));
    }

    [Fact]
    public void A_gap_stops_parsing_with_an_anomaly_and_loses_no_open_exchange()
    {
        var traffic = H2cTraffic.Shared;
        var recorder = new EventRecorder();
        var session = new Http2Session(EventRecorder.Flow(80), recorder.Context, decrypted: false);
        session.OnData(Direction.ToServer, new(traffic.Bytes(Direction.ToServer)));
        session.OnGap(Direction.ToClient, 1000);
        session.OnData(Direction.ToClient, new(traffic.Bytes(Direction.ToClient)));
        session.OnEnd(Direction.ToServer, EndReason.Fin);
        session.OnEnd(Direction.ToClient, EndReason.Fin);

        Assert.Single(recorder.Anomalies, a => a.Kind == AnomalyKind.Http2Gap);
        var events = recorder.Of<HttpEvent>().ToList();
        Assert.Equal(traffic.ServerSaw.Count, events.Count);
        Assert.All(events, e => Assert.False(e.Complete));
        Assert.All(events, e => Assert.Null(e.Exchange.Status));
    }

    [Fact]
    public void Connection_end_completes_streams_still_open()
    {
        var recorder = new EventRecorder();
        var flow = EventRecorder.Flow(80);
        var session = new Http2Session(flow, recorder.Context, decrypted: false);
        Assert.Equal("http2", flow.AppProto);
        var request = new H2Builder().Preface().Settings().Headers(1, endStream: true, (0x82, null), (0x84, null), (0x41, "example.com")).ToArray();
        session.OnData(Direction.ToServer, new(request));
        Assert.Empty(recorder.Of<HttpEvent>());
        session.OnEnd(Direction.ToServer, EndReason.Fin);
        session.OnEnd(Direction.ToClient, EndReason.Reset);
        var e = Assert.Single(recorder.Of<HttpEvent>());
        Assert.False(e.Complete);
        Assert.Equal(("GET", "/", "example.com", 1), (e.Exchange.Method, e.Exchange.Target, e.Exchange.Host, e.Exchange.StreamId));
    }

    [Fact]
    public void Rst_stream_completes_the_exchange()
    {
        var recorder = new EventRecorder();
        var session = new Http2Session(EventRecorder.Flow(80), recorder.Context, decrypted: false);
        session.OnData(Direction.ToServer, new(new H2Builder().Preface().Headers(1, endStream: true, (0x82, null), (0x84, null), (0x41, "a.test")).ToArray()));
        session.OnData(Direction.ToClient, new(new H2Builder().Frame(Http2FrameType.RstStream, 0, 1, [0, 0, 0, 8]).ToArray()));
        Assert.Single(recorder.Of<HttpEvent>());
        Assert.Equal(0, session.OpenStreams);
    }

    [Fact]
    public void Continuation_flood_is_capped()
    {
        var recorder = new EventRecorder();
        var session = new Http2Session(EventRecorder.Flow(80), recorder.Context, decrypted: false);
        var builder = new H2Builder().Preface().Frame(Http2FrameType.Headers, 0, 1, [0x82]);
        for (var i = 0; i < 10_000; i++)
        {
            builder.Frame(Http2FrameType.Continuation, 0, 1, []);
        }

        session.OnData(Direction.ToServer, new(builder.ToArray()));
        Assert.Single(recorder.Anomalies, a => a.Kind == AnomalyKind.Http2ContinuationFlood);
    }

    [Fact]
    public void Streams_past_the_cap_are_counted_and_hpack_stays_in_step()
    {
        var recorder = new EventRecorder();
        var session = new Http2Session(EventRecorder.Flow(80), recorder.Context, decrypted: false);
        var builder = new H2Builder().Preface();
        for (var i = 0; i < 300; i++)
        {
            // Each request adds :authority to the dynamic table; the next ones could reference it.
            builder.Headers((2 * i) + 1, endStream: true, (0x82, null), (0x84, null), (0x41, "h" + i));
        }

        session.OnData(Direction.ToServer, new(builder.ToArray()));
        Assert.Equal(256, session.OpenStreams);
        Assert.Equal(300 - 256, recorder.Anomalies.Count(a => a.Kind == AnomalyKind.Http2TooManyStreams));
        Assert.DoesNotContain(recorder.Anomalies, a => a.Kind == AnomalyKind.Http2HpackError);
    }

    [Fact]
    public void Bad_preface_oversized_frame_and_garbage_give_anomalies_not_exceptions()
    {
        var recorder = new EventRecorder();
        var session = new Http2Session(EventRecorder.Flow(80), recorder.Context, decrypted: false);
        session.OnData(Direction.ToServer, new("GET / HTTP/1.1\r\n\r\n"u8.ToArray()));
        Assert.Single(recorder.Anomalies, a => a.Kind == AnomalyKind.Http2BadPreface);

        recorder = new EventRecorder();
        session = new Http2Session(EventRecorder.Flow(80), recorder.Context, decrypted: false);
        session.OnData(Direction.ToServer, new([.. Http2Preface.Bytes, 0x7f, 0xff, 0xff, 0, 0, 0, 0, 0, 1]));
        Assert.Single(recorder.Anomalies, a => a.Kind == AnomalyKind.Http2FrameTooLarge);

        var traffic = H2cTraffic.Shared;
        var random = new Random(5);
        for (var round = 0; round < 200; round++)
        {
            recorder = new EventRecorder();
            session = new Http2Session(EventRecorder.Flow(80), recorder.Context, decrypted: false);
            foreach (var (direction, bytes) in traffic.Chunks)
            {
                session.OnData(direction, new(round % 2 == 0 ? Segments.Mutate(bytes, random, 2) : bytes));
            }

            var toClient = traffic.Bytes(Direction.ToClient);
            session.OnData(Direction.ToClient, new(Segments.TruncateWithGarbage(toClient, random, random.Next(toClient.Length), 200)));
            session.OnEnd(Direction.ToServer, EndReason.Fin);
            session.OnEnd(Direction.ToClient, EndReason.Fin);
            Assert.Equal(0, session.OpenStreams);
        }
    }

    private static (EventRecorder, RecordingObserver) Run(IEnumerable<(Direction Direction, byte[] Bytes)> chunks)
    {
        var recorder = new EventRecorder();
        var observer = new RecordingObserver();
        var session = new Http2Session(EventRecorder.Flow(80), recorder.Context with { Payloads = new PayloadHooks([observer], []) }, decrypted: false);
        foreach (var (direction, bytes) in chunks)
        {
            session.OnData(direction, new(bytes));
        }

        session.OnEnd(Direction.ToServer, EndReason.Fin);
        session.OnEnd(Direction.ToClient, EndReason.Fin);
        return (recorder, observer);
    }

    private static void AssertMatchesOracle(H2cTraffic traffic, EventRecorder recorder, RecordingObserver observer)
    {
        var events = recorder.Of<HttpEvent>().ToList();
        Assert.Equal(traffic.ServerSaw.Count, events.Count);
        Assert.Equal(events.Count, observer.Completed.Count);
        foreach (var seen in traffic.ServerSaw)
        {
            var e = Assert.Single(events, e => e.Exchange.Target == seen.PathAndQuery);
            var x = e.Exchange;
            Assert.True(e.Complete);
            Assert.Equal("HTTP/2", x.Protocol);
            Assert.True(x.StreamId > 0 && x.StreamId % 2 == 1);
            Assert.Equal(seen.Method, x.Method);
            Assert.Equal(seen.Authority.Split(':')[0], x.Host!.Split(':')[0]);
            Assert.Equal(seen.Body.Length, x.RequestBody.WireLength);
            Assert.Equal(seen.Body, x.RequestBody.Content.ToArray());

            var got = traffic.ClientGot[seen.PathAndQuery];
            Assert.Equal(got.Status, x.Status);
            Assert.Equal(got.Headers["content-type"], x.ResponseHeaders.Get("content-type"));
            var expectedBody = seen.PathAndQuery == "/gzip" ? Encoding.ASCII.GetBytes(H2cTraffic.GzipText) : got.Body;
            Assert.Equal(expectedBody, x.ResponseBody.Content.ToArray());
            foreach (var (name, value) in got.Trailers)
            {
                Assert.Equal(value, x.ResponseHeaders.Get(name));
            }
        }
    }
}

/// <summary>Writes HTTP/2 frames for crafted session tests.</summary>
internal sealed class H2Builder
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public H2Builder Preface()
    {
        _bytes.AddRange(Http2Preface.Bytes.ToArray());
        return this;
    }

    public H2Builder Settings() => Frame(Http2FrameType.Settings, 0, 0, []);

    /// <summary>A HEADERS frame with END_HEADERS: each field an indexed byte, or (0x41 = :authority name) with a plain value.</summary>
    public H2Builder Headers(int streamId, bool endStream, params (byte Code, string? Value)[] fields)
    {
        var block = new HpackBuilder();
        foreach (var (code, value) in fields)
        {
            if (value is null)
            {
                block.Raw(code);
            }
            else
            {
                block.Raw(code).String(value, huffman: true);
            }
        }

        return Frame(Http2FrameType.Headers, (byte)(Http2Flags.EndHeaders | (endStream ? Http2Flags.EndStream : 0)), streamId, block.ToArray());
    }

    public H2Builder Frame(Http2FrameType type, byte flags, int streamId, byte[] payload)
    {
        _bytes.Add((byte)(payload.Length >> 16));
        _bytes.Add((byte)(payload.Length >> 8));
        _bytes.Add((byte)payload.Length);
        _bytes.Add((byte)type);
        _bytes.Add(flags);
        _bytes.Add((byte)(streamId >> 24));
        _bytes.Add((byte)(streamId >> 16));
        _bytes.Add((byte)(streamId >> 8));
        _bytes.Add((byte)streamId);
        _bytes.AddRange(payload);
        return this;
    }
}
