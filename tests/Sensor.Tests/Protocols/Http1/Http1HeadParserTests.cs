using System.Text;
using Sensor.Protocols.Http1;

namespace Sensor.Tests.Protocols.Http1;

public sealed class Http1HeadParserTests
{
    private const string Request =
        "POST /v1/messages?beta=true HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Type: application/json\r\n" +
        "X-Empty:\r\nUser-Agent:  Anthropic/JS 1.12.0 \t\r\nContent-Length: 2\r\n\r\n";

    private const string Response = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    [Fact]
    public void RequestLine_GivesMethodTargetAndVersion()
    {
        var bytes = Encoding.ASCII.GetBytes(Request);
        Assert.Equal(Http1ParseStatus.Done, Http1HeadParser.ParseRequestLine(bytes, out var line, out var consumed));
        Assert.Equal("POST", Text(bytes, line.Method));
        Assert.Equal("/v1/messages?beta=true", Text(bytes, line.Target));
        Assert.Equal((1, 1), (line.MajorVersion, line.MinorVersion));
        Assert.Equal(Request.IndexOf('\n', StringComparison.Ordinal) + 1, consumed);
    }

    [Fact]
    public void Headers_AreTrimmedOfOptionalWhitespace_InWireOrder()
    {
        var bytes = Encoding.ASCII.GetBytes(Request);
        Http1HeadParser.ParseRequestLine(bytes, out _, out var lineLength);
        var headers = new Collect { Fields = [] };
        Assert.Equal(Http1ParseStatus.Done, Http1HeadParser.ParseHeaders(bytes.AsSpan(lineLength), ref headers, out var used));
        Assert.Equal(bytes.Length, lineLength + used);
        Assert.Equal(
            ["Host=api.anthropic.com", "Content-Type=application/json", "X-Empty=", "User-Agent=Anthropic/JS 1.12.0", "Content-Length=2"],
            headers.Fields);
    }

    [Fact]
    public void StatusLine_GivesCodeAndReason_AndToleratesAMissingReason()
    {
        var bytes = Encoding.ASCII.GetBytes(Response);
        Assert.Equal(Http1ParseStatus.Done, Http1HeadParser.ParseStatusLine(bytes, out var line, out _));
        Assert.Equal(200, line.StatusCode);
        Assert.Equal("OK", Text(bytes, line.Reason));

        Assert.Equal(Http1ParseStatus.Done, Http1HeadParser.ParseStatusLine("HTTP/1.0 204\n"u8, out line, out var consumed));
        Assert.Equal((204, 0, 13), (line.StatusCode, line.MinorVersion, consumed));
    }

    [Theory]
    [InlineData("GET  / HTTP/1.1\r\n")]
    [InlineData("GET / HTTP/1.1 \r\n")]
    [InlineData("GET /a b HTTP/1.1\r\n")]
    [InlineData("G(T / HTTP/1.1\r\n")]
    [InlineData("GET / HTTX/1.1\r\n")]
    [InlineData("GET / HTTP/1.1\rX\r\n")]
    [InlineData(" GET / HTTP/1.1\r\n")]
    [InlineData("GET /\0 HTTP/1.1\r\n")]
    public void MalformedRequestLines_AreInvalid(string line)
    {
        Assert.Equal(Http1ParseStatus.Invalid, Http1HeadParser.ParseRequestLine(Encoding.Latin1.GetBytes(line), out _, out var consumed));
        Assert.Equal(0, consumed);
    }

    [Theory]
    [InlineData("Host : x\r\n")]
    [InlineData(" folded\r\n")]
    [InlineData(": novalue\r\n")]
    [InlineData("Na\u0001me: x\r\n")]
    [InlineData("Name: a\u0000b\r\n")]
    [InlineData("Name: a\rb\r\n")]
    public void MalformedHeaderLines_AreInvalid(string line) =>
        Assert.Equal(Http1ParseStatus.Invalid, Http1HeadParser.ParseHeaderLine(Encoding.Latin1.GetBytes(line), out _, out _, out _, out _));

    [Fact]
    public void EveryPrefix_NeedsMoreData_AndConsumesNothing()
    {
        var bytes = Encoding.ASCII.GetBytes(Request);
        var lineEnd = Request.IndexOf('\n', StringComparison.Ordinal) + 1;
        for (var n = 0; n < lineEnd; n++)
        {
            Assert.Equal(Http1ParseStatus.NeedMoreData, Http1HeadParser.ParseRequestLine(bytes.AsSpan(0, n), out _, out var consumed));
            Assert.Equal(0, consumed);
        }

        for (var n = lineEnd; n < bytes.Length; n++)
        {
            var headers = new Collect { Fields = [] };
            Assert.Equal(Http1ParseStatus.NeedMoreData, Http1HeadParser.ParseHeaders(bytes.AsSpan(lineEnd, n - lineEnd), ref headers, out var consumed));
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void FindHeadEnd_OverEveryTwoWaySplit_FindsTheSameEnd_OnlyOnceComplete()
    {
        foreach (var head in new[] { Request, Response, "GET / HTTP/1.0\n\n", "GET / HTTP/1.1\r\nA: b\n\r\n" })
        {
            var bytes = Encoding.ASCII.GetBytes(head + "NEXT");
            var whole = 0;
            Assert.Equal(head.Length, Http1HeadParser.FindHeadEnd(bytes, ref whole));
            for (var split = 0; split <= bytes.Length; split++)
            {
                var scanned = 0;
                var first = Http1HeadParser.FindHeadEnd(bytes.AsSpan(0, split), ref scanned);
                var end = first >= 0 ? first : Http1HeadParser.FindHeadEnd(bytes, ref scanned);
                Assert.Equal(head.Length, end);
                Assert.True(first < 0 || split >= head.Length, $"found the end at split {split}");
            }
        }
    }

    [Fact]
    public void FindHeadEnd_ByteByByte_IsLinearAndExact()
    {
        var bytes = Encoding.ASCII.GetBytes(Request);
        var scanned = 0;
        for (var n = 1; n <= bytes.Length; n++)
        {
            var end = Http1HeadParser.FindHeadEnd(bytes.AsSpan(0, n), ref scanned);
            Assert.Equal(n == bytes.Length ? bytes.Length : -1, end);
        }
    }

    [Fact]
    public void RandomGarbage_AfterAValidPrefix_GivesAStatus_NeverAnException()
    {
        var random = new Random(4711);
        var valid = Encoding.ASCII.GetBytes(Request + Response);
        for (var round = 0; round < 2000; round++)
        {
            var cut = random.Next(valid.Length);
            var input = new byte[cut + random.Next(1, 64)];
            valid.AsSpan(0, cut).CopyTo(input);
            random.NextBytes(input.AsSpan(cut));
            var scanned = 0;
            var end = Http1HeadParser.FindHeadEnd(input, ref scanned);
            Assert.InRange(end, -1, input.Length);
            Assert.InRange(Http1HeadParser.ParseRequestLine(input, out _, out var a), Http1ParseStatus.Done, Http1ParseStatus.TooLarge);
            Assert.InRange(Http1HeadParser.ParseStatusLine(input, out _, out var b), Http1ParseStatus.Done, Http1ParseStatus.TooLarge);
            var headers = new Collect { Fields = [] };
            Http1HeadParser.ParseHeaders(input.AsSpan(a), ref headers, out var c);
            Assert.InRange(a + c, 0, input.Length);
            Assert.InRange(b, 0, input.Length);
        }
    }

    [Fact]
    public void OverlongLines_AndTooManyHeaders_AreTooLarge_NotBuffered()
    {
        var longLine = Encoding.ASCII.GetBytes("GET /" + new string('a', Http1Limits.MaxStartLineBytes) + " HTTP/1.1\r\n");
        Assert.Equal(Http1ParseStatus.TooLarge, Http1HeadParser.ParseRequestLine(longLine, out _, out _));
        Assert.Equal(Http1ParseStatus.TooLarge, Http1HeadParser.ParseRequestLine(longLine.AsSpan(0, Http1Limits.MaxStartLineBytes + 2), out _, out _));

        var many = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("A: b\r\n", Http1Limits.MaxHeaderCount + 1)) + "\r\n");
        var headers = new Collect { Fields = [] };
        Assert.Equal(Http1ParseStatus.TooLarge, Http1HeadParser.ParseHeaders(many, ref headers, out _));

        var megabyte = Encoding.ASCII.GetBytes("X-Big: " + new string('v', 1 << 20) + "\r\n\r\n");
        headers = new Collect { Fields = [] };
        Assert.Equal(Http1ParseStatus.TooLarge, Http1HeadParser.ParseHeaders(megabyte, ref headers, out _));
        Assert.Empty(headers.Fields);
    }

    [Fact]
    public void ParsingAHead_AllocatesNothing()
    {
        var bytes = Encoding.ASCII.GetBytes(Request);
        var allocated = TestSupport.Allocation.Measure(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                Http1HeadParser.ParseRequestLine(bytes, out _, out var used);
                var counter = default(Count);
                Http1HeadParser.ParseHeaders(bytes.AsSpan(used), ref counter, out _);
            }
        });
        Assert.Equal(0, allocated);
    }

    private static string Text(byte[] bytes, Range range) => Encoding.ASCII.GetString(bytes.AsSpan()[range]);

    private struct Collect : IHttp1HeaderHandler
    {
        public List<string> Fields;

        public readonly void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            Fields.Add(Encoding.ASCII.GetString(name) + "=" + Encoding.ASCII.GetString(value));
    }

    private struct Count : IHttp1HeaderHandler
    {
        public int Fields;

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Fields += name.Length + value.Length;
    }
}
