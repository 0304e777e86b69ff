using System.Buffers;
using System.Text;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Sessions.Http;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions.Http;

public sealed class Http1SessionTests
{
    private const string PipelinedRequests =
        "POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com:8080\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"b c\"}" +
        "GET /stream HTTP/1.1\r\nHost: api.anthropic.com\r\nUser-Agent: t/1\r\n\r\n" +
        "PUT /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n" +
        "HEAD /head HTTP/1.1\r\nHost: h\r\n\r\n";

    private const string PipelinedResponses =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" +
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "b\r\ndata: one\n\n\r\nb;ext=1\r\ndata: two\n\n\r\n0\r\n\r\n" +
        "HTTP/1.1 204 No Content\r\n\r\n" +
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";

    private static readonly string[] s_pipelinedSummary =
    [
        "0 POST api.anthropic.com /v1/messages 200 req=11 resp=2 complete",
        "1 GET api.anthropic.com /stream 200 req=0 resp=22 complete stream",
        "2 PUT h /chunked 204 req=4 resp=0 complete",
        "3 HEAD h /head 200 req=0 resp=0 complete",
    ];

    /// <summary>Where each request of <see cref="PipelinedRequests"/> ends and each response of <see cref="PipelinedResponses"/> starts (then the end).</summary>
    private static readonly int[] s_requestEnds = [PipelinedRequests.IndexOf("GET /stream", StringComparison.Ordinal), PipelinedRequests.IndexOf("PUT ", StringComparison.Ordinal), PipelinedRequests.IndexOf("HEAD ", StringComparison.Ordinal), PipelinedRequests.Length];

    private static readonly int[] s_responseStarts = [0, .. AllIndexesOf(PipelinedResponses, "HTTP/1.1 ").Skip(1), PipelinedResponses.Length];

    [Fact]
    public void PipelinedExchanges_ArePairedInOrder_WithTheirBodies()
    {
        var run = Run([(Direction.ToServer, PipelinedRequests), (Direction.ToClient, PipelinedResponses)]);
        Assert.Equal(s_pipelinedSummary, run.Summary);
        Assert.Empty(run.Recorder.Anomalies);
        Assert.Equal("data: one\n\ndata: two\n\n", Encoding.ASCII.GetString(run.Observer.Streamed.Single().Value.ToArray()));
        Assert.Equal("http", run.Flow.AppProto);
    }

    [Fact]
    public void HeaderLists_AreSizedToTheHead_AndSharedValuesAreOnlyTheRepeatingFields()
    {
        var fields = string.Concat(Enumerable.Range(0, 20).Select(i => $"X-Field-{i}: v{i}\r\n"));
        const string Repeating = "User-Agent: Anthropic/Python 0.39.0\r\nAuthorization: Bearer not-a-real-token\r\n";
        var request = $"GET /a HTTP/1.1\r\nHost: h\r\n{Repeating}{fields}\r\n";
        var run = Run([(Direction.ToServer, request + request.Replace("/a", "/b", StringComparison.Ordinal)), (Direction.ToClient, "HTTP/1.1 204 No Content\r\nServer: s\r\n\r\nHTTP/1.1 204 No Content\r\nServer: s\r\n\r\n")]);
        var (first, second) = (run.Observer.Completed[0], run.Observer.Completed[1]);

        // 23 fields: one list of 23, not 16 grown to 32; the response's single field, List's smallest (4), not 16.
        Assert.Equal(23, first.RequestHeaders.Count);
        Assert.Equal(23, first.RequestHeaders.Capacity);
        Assert.Equal(4, first.ResponseHeaders.Capacity);

        // The user-agent string is shared between the two requests; the credential is decoded for each.
        Assert.Same(first.RequestHeaders.Get("user-agent"), second.RequestHeaders.Get("user-agent"));
        Assert.NotSame(first.RequestHeaders.Get("authorization"), second.RequestHeaders.Get("authorization"));
        Assert.Equal(first.RequestHeaders.Get("authorization"), second.RequestHeaders.Get("authorization"));
    }

    [Fact]
    public void EveryTwoWaySplit_OfBothDirections_GivesTheSameExchanges()
    {
        var requests = Encoding.ASCII.GetBytes(PipelinedRequests);
        var responses = Encoding.ASCII.GetBytes(PipelinedResponses);
        for (var split = 0; split <= Math.Max(requests.Length, responses.Length); split++)
        {
            var run = Run(
            [
                (Direction.ToServer, Slice(requests, 0, split)), (Direction.ToServer, Slice(requests, split, requests.Length)),
                (Direction.ToClient, Slice(responses, 0, split)), (Direction.ToClient, Slice(responses, split, responses.Length)),
            ]);
            Assert.Equal(s_pipelinedSummary, run.Summary);
            Assert.Empty(run.Recorder.Anomalies);
        }
    }

    [Fact]
    public void SeededRandomChunking_AndInterleaving_GivesTheSameExchanges()
    {
        var random = new Random(1234);
        var requests = Encoding.ASCII.GetBytes(PipelinedRequests);
        var responses = Encoding.ASCII.GetBytes(PipelinedResponses);
        for (var round = 0; round < 100; round++)
        {
            var steps = new List<(Direction, byte[])>();
            int r = 0, s = 0;
            while (r < requests.Length || s < responses.Length)
            {
                // A response may not start before its request is complete on the wire (a real server waits for it).
                var sentRequests = s_requestEnds.Count(end => end <= r);
                var responseLimit = s_responseStarts[Math.Min(sentRequests, s_responseStarts.Length - 1)];
                var canRespond = s < responseLimit;
                if (r < requests.Length && (!canRespond || random.Next(2) == 0))
                {
                    var n = Math.Min(random.Next(1, 40), requests.Length - r);
                    steps.Add((Direction.ToServer, Slice(requests, r, r + n)));
                    r += n;
                }
                else
                {
                    var n = Math.Min(random.Next(1, 40), responseLimit - s);
                    steps.Add((Direction.ToClient, Slice(responses, s, s + n)));
                    s += n;
                }
            }

            Assert.Equal(s_pipelinedSummary, Run(steps).Summary);
        }
    }

    [Fact]
    public void MultiSegmentSequences_AreParsedLikeOneSpan()
    {
        var run = new SessionRun();
        run.Session.OnData(Direction.ToServer, Segments(Encoding.ASCII.GetBytes(PipelinedRequests), 7));
        run.Session.OnData(Direction.ToClient, Segments(Encoding.ASCII.GetBytes(PipelinedResponses), 5));
        run.End();
        Assert.Equal(s_pipelinedSummary, run.Summary);
    }

    [Fact]
    public void ContinueInterim_CloseDelimitedBody_AndHttp10()
    {
        var run = Run(
        [
            (Direction.ToServer, "POST /upload HTTP/1.0\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
            (Direction.ToClient, "HTTP/1.1 100 Continue\r\n\r\n"),
            (Direction.ToServer, "abc"),
            (Direction.ToClient, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end"),
        ]);
        Assert.Equal(["0 POST h /upload 200 req=3 resp=13 complete"], run.Summary);
        Assert.Equal("HTTP/1.0", run.Exchanges[0].Protocol);
    }

    [Fact]
    public void Upgrade101_AndConnect200_StopParsing_ButConnect407_LetsTheClientTryAgain()
    {
        var upgrade = Run(
        [
            (Direction.ToServer, "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
            (Direction.ToClient, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello"),
            (Direction.ToServer, "\x81\x85garbage that is not HTTP"),
        ]);
        Assert.Equal(["0 GET h /ws 101 req=0 resp=0 complete"], upgrade.Summary);
        Assert.True(upgrade.Session.Tunnelled);
        Assert.Empty(upgrade.Recorder.Anomalies);

        var tunnel = Run(
        [
            (Direction.ToServer, "CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n\r\n"),
            (Direction.ToClient, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"),
            (Direction.ToServer, "CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\nProxy-Authorization: Basic eA==\r\n\r\n"),
            (Direction.ToClient, "HTTP/1.1 200 Connection established\r\n\r\n"),
            (Direction.ToServer, "\x16\x03\x01\x02\x00 tls bytes"),
            (Direction.ToClient, "\x16\x03\x03 more tls"),
        ]);
        Assert.Equal(["0 CONNECT api.openai.com api.openai.com:443 407 req=0 resp=0 complete", "1 CONNECT api.openai.com api.openai.com:443 200 req=0 resp=0 complete"], tunnel.Summary);
        Assert.True(tunnel.Session.Tunnelled);
        Assert.Empty(tunnel.Recorder.Anomalies);
    }

    [Fact]
    public void TheEndOfTheConnection_WritesEveryOpenExchange_Incomplete()
    {
        var run = Run(
        [
            (Direction.ToServer, "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nPOST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial"),
            (Direction.ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nonly part of it"),
        ]);
        Assert.Equal(
        [
            "0 GET h /a 200 req=0 resp=15 incomplete",
            "1 GET h /b - req=0 resp=0 incomplete",
            "2 POST h /c - req=7 resp=0 incomplete",
        ], run.Summary);
        Assert.True(run.Exchanges[0].ResponseBody.Truncated);
        Assert.True(run.Exchanges[2].RequestBody.Truncated);
        Assert.Equal(["0 request-headers GET /a", "0 request-complete 0", "1 request-headers GET /b", "1 request-complete 0", "2 request-headers POST /c", "0 response-headers 200"], run.Observer.Log.Take(6));
    }

    [Fact]
    public void AGapInsideAContentLengthBody_IsSkipped_AndAGapElsewhereResynchronises()
    {
        var run = new SessionRun();
        run.Feed(Direction.ToServer, "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nab");
        run.Session.OnGap(Direction.ToServer, 5);
        run.Feed(Direction.ToServer, "cde");
        run.Feed(Direction.ToServer, "GET /b HTTP/1.1\r\nHo");
        run.Session.OnGap(Direction.ToServer, 30);
        run.Feed(Direction.ToServer, "st-tail\r\n\r\nGARBAGE\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n");
        run.Feed(Direction.ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        run.End();
        Assert.Equal(["0 POST h /a 200 req=5 resp=0 complete", "1 GET h /c 201 req=0 resp=0 complete"], run.Summary);
        Assert.True(run.Exchanges[0].RequestBody.Truncated);
        Assert.Equal(2, run.Session.Gaps);
        Assert.All(run.Recorder.Anomalies, a => Assert.Equal(AnomalyKind.HttpStreamGap, a.Kind));
    }

    [Fact]
    public void AMegabyteHeader_IsCapped_WithAnAnomaly_AndOtherFlowsGoOn()
    {
        var run = new SessionRun();
        run.Feed(Direction.ToServer, "GET / HTTP/1.1\r\nHost: h\r\nX-Big: ");
        var chunk = Encoding.ASCII.GetBytes(new string('v', 1460));
        for (var i = 0; i < 720; i++)
        {
            run.Session.OnData(Direction.ToServer, new ReadOnlySequence<byte>(chunk));
        }

        run.Feed(Direction.ToClient, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n");
        run.End();
        Assert.Equal([AnomalyKind.HttpHeadTooLarge, AnomalyKind.HttpResponseWithoutRequest], run.Recorder.Anomalies.Select(a => a.Kind));
        Assert.Equal(["0 - - - 431 req=0 resp=0 complete"], run.Summary);

        var next = Run([(Direction.ToServer, PipelinedRequests), (Direction.ToClient, PipelinedResponses)]);
        Assert.Equal(s_pipelinedSummary, next.Summary);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost : h\r\n\r\n", AnomalyKind.HttpMalformedRequest)]
    [InlineData("GET / HTTP/2.0\r\n\r\n", AnomalyKind.HttpMalformedRequest)]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", AnomalyKind.HttpMalformedRequest)]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", AnomalyKind.HttpMalformedRequest)]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", AnomalyKind.HttpMalformedChunkedBody)]
    public void MalformedRequests_StopThatDirection_WithAnAnomaly(string request, AnomalyKind expected)
    {
        var run = Run([(Direction.ToServer, request + "GET /after HTTP/1.1\r\n\r\n")]);
        Assert.Equal(expected, run.Recorder.Anomalies[0].Kind);
        Assert.DoesNotContain(run.Summary, s => s.Contains("/after", StringComparison.Ordinal));
    }

    [Fact]
    public void ContentLengthWithChunked_IsFramedAsChunked_AndFlagged()
    {
        var run = Run(
        [
            (Direction.ToServer, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"),
            (Direction.ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ]);
        Assert.Equal(["0 POST h / 200 req=1 resp=0 complete"], run.Summary);
        Assert.Equal(AnomalyKind.HttpContentLengthWithChunked, Assert.Single(run.Recorder.Anomalies).Kind);
    }

    [Fact]
    public void TooManyPendingRequests_StopTheRequestSide()
    {
        var requests = string.Concat(Enumerable.Repeat("GET / HTTP/1.1\r\nHost: h\r\n\r\n", Http1Session.MaxPendingRequests + 5));
        var run = Run([(Direction.ToServer, requests)]);
        Assert.Equal(Http1Session.MaxPendingRequests, run.Summary.Count);
        Assert.Equal(AnomalyKind.HttpTooManyPendingRequests, Assert.Single(run.Recorder.Anomalies).Kind);
    }

    [Fact]
    public void RandomGarbage_AfterAValidPrefix_NeverThrows_AndAlwaysEnds()
    {
        var random = new Random(77);
        var requests = Encoding.ASCII.GetBytes(PipelinedRequests);
        var responses = Encoding.ASCII.GetBytes(PipelinedResponses);
        for (var round = 0; round < 300; round++)
        {
            var run = new SessionRun();
            foreach (var (direction, valid) in new[] { (Direction.ToServer, requests), (Direction.ToClient, responses) })
            {
                var cut = random.Next(valid.Length);
                var input = new byte[cut + random.Next(1, 300)];
                valid.AsSpan(0, cut).CopyTo(input);
                random.NextBytes(input.AsSpan(cut));
                for (var offset = 0; offset < input.Length;)
                {
                    var n = Math.Min(random.Next(1, 50), input.Length - offset);
                    run.Session.OnData(direction, new ReadOnlySequence<byte>(input, offset, n));
                    offset += n;
                }
            }

            run.End();
            Assert.Equal(run.Observer.Log.Count(l => l.Contains("request-headers", StringComparison.Ordinal)) + run.Exchanges.Count(x => x.Method is null), run.Exchanges.Count);
        }
    }

    private static IEnumerable<int> AllIndexesOf(string text, string value)
    {
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            yield return i;
        }
    }

    private static byte[] Slice(byte[] bytes, int from, int to) => bytes[Math.Min(from, bytes.Length)..Math.Min(to, bytes.Length)];

    private static SessionRun Run(IEnumerable<(Direction Direction, string Text)> steps) =>
        Run(steps.Select(s => (s.Direction, Encoding.Latin1.GetBytes(s.Text))));

    private static SessionRun Run(IEnumerable<(Direction Direction, byte[] Bytes)> steps)
    {
        var run = new SessionRun();
        foreach (var (direction, bytes) in steps)
        {
            if (bytes.Length > 0)
            {
                run.Session.OnData(direction, new ReadOnlySequence<byte>(bytes));
            }
        }

        run.End();
        return run;
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        Segment? first = null, last = null;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var memory = bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset));
            last = first is null ? first = new Segment(memory, 0) : last!.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>An <see cref="Http1Session"/> with recorders around it.</summary>
internal sealed class SessionRun
{
    public SessionRun(bool decrypted = false)
    {
        Flow = EventRecorder.Flow(80);
        var context = Recorder.Context with { Payloads = new PayloadHooks([Observer], []) };
        Session = new Http1Session(Flow, context, decrypted);
    }

    public EventRecorder Recorder { get; } = new();

    public RecordingObserver Observer { get; } = new();

    public Sensor.Core.Events.FlowIdentity Flow { get; }

    public Http1Session Session { get; }

    public List<HttpExchange> Exchanges => [.. Recorder.Of<HttpEvent>().Select(e => e.Exchange)];

    /// <summary>One line per http event: index, method, host, target, status, body sizes, completeness.</summary>
    public List<string> Summary =>
    [
        .. Recorder.Of<HttpEvent>().Select(e => e.Exchange).Zip(Recorder.Of<HttpEvent>(), (x, e) =>
            $"{x.Index} {x.Method ?? "-"} {x.Host ?? "-"} {x.Target ?? "-"} {x.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} " +
            $"req={x.RequestBody.Length} resp={x.ResponseBody.Length} {(e.Complete ? "complete" : "incomplete")}{(x.ResponseIsEventStream ? " stream" : "")}"),
    ];

    public void Feed(Direction direction, string text) => Session.OnData(direction, new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)));

    public void End()
    {
        Session.OnEnd(Direction.ToServer, EndReason.Fin);
        Session.OnEnd(Direction.ToClient, EndReason.Fin);
    }
}
