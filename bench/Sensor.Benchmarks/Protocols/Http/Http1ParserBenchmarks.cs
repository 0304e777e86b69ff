using System.Text;
using BenchmarkDotNet.Attributes;
using Sensor.Protocols.Http1;

namespace Sensor.Benchmarks.Protocols.Http;

/// <summary>
/// HTTP/1.1 heads as the SDKs in the shared captures send them (an Anthropic Messages POST and its answer): find the
/// head's end, parse the start line and every header. Budget on valid input: 0 B per message (issue 4 benchmarks).
/// </summary>
public class Http1ParserBenchmarks
{
    private static readonly byte[] s_request = Encoding.ASCII.GetBytes(
        "POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nConnection: keep-alive\r\nAccept: application/json\r\n" +
        "anthropic-version: 2023-06-01\r\nContent-Type: application/json\r\nUser-Agent: Anthropic/JS 1.12.0\r\n" +
        "X-Stainless-Lang: js\r\nX-Stainless-Package-Version: 0.39.0\r\nX-Stainless-OS: Linux\r\nX-Stainless-Arch: x64\r\n" +
        "X-Stainless-Runtime: node\r\nX-Stainless-Runtime-Version: v22.12.0\r\nX-Stainless-Retry-Count: 0\r\n" +
        "x-api-key: sk-ant-api03-0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\r\n" +
        "Accept-Encoding: gzip,deflate\r\nContent-Length: 142\r\n\r\n");

    private static readonly byte[] s_response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nDate: Tue, 24 Nov 2026 10:00:00 GMT\r\nContent-Type: application/json\r\nContent-Length: 427\r\n" +
        "Connection: keep-alive\r\nanthropic-organization-id: 758d8427-ab75-4fcb-bee3-2126aac9ba9b\r\n" +
        "request-id: req_011CUNiWCvP2sE7QmrDc3xkX\r\nvia: 1.1 google\r\ncf-cache-status: DYNAMIC\r\nServer: cloudflare\r\n\r\n");

    [Benchmark(Description = "request+response head")]
    public int ParseHeads() => Head(_request, request: true) + Head(_response, request: false);

    // Instance copies: what a benchmark method reads per call.
    private readonly byte[] _request = s_request;
    private readonly byte[] _response = s_response;

    private static int Head(byte[] bytes, bool request)
    {
        var scanned = 0;
        var end = Http1HeadParser.FindHeadEnd(bytes, ref scanned);
        var head = bytes.AsSpan(0, end);
        int used;
        if (request)
        {
            Http1HeadParser.ParseRequestLine(head, out _, out used);
        }
        else
        {
            Http1HeadParser.ParseStatusLine(head, out _, out used);
        }

        var counter = default(HeaderCounter);
        Http1HeadParser.ParseHeaders(head[used..], ref counter, out _);
        return counter.Bytes;
    }

    private struct HeaderCounter : IHttp1HeaderHandler
    {
        public int Bytes;

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Bytes += name.Length + value.Length;
    }
}

/// <summary>Chunked transfer decoding of a 1 MiB body in 4 KiB chunks (SSE-sized 100 B chunks too), fed in 1460-byte segments.</summary>
public class Http1ChunkedBenchmarks
{
    private byte[] _large = [];
    private byte[] _small = [];

    [GlobalSetup]
    public void Setup()
    {
        _large = Build(4096);
        _small = Build(100);
    }

    [Benchmark(Description = "1 MiB, 4 KiB chunks")]
    public long LargeChunks() => Decode(_large);

    [Benchmark(Description = "1 MiB, 100 B chunks")]
    public long SmallChunks() => Decode(_small);

    private static long Decode(byte[] wire)
    {
        var decoder = default(Http1ChunkedDecoder);
        long data = 0;
        for (var offset = 0; offset < wire.Length; offset += 1460)
        {
            var segment = wire.AsSpan(offset, Math.Min(1460, wire.Length - offset));
            while (!segment.IsEmpty)
            {
                var status = decoder.Decode(segment, out var consumed, out var range);
                if (status == Http1ChunkedStatus.Data)
                {
                    data += range.GetOffsetAndLength(segment.Length).Length;
                }

                segment = segment[consumed..];
                if (status is Http1ChunkedStatus.Done or Http1ChunkedStatus.Invalid or Http1ChunkedStatus.TooLarge)
                {
                    return data;
                }
            }
        }

        return data;
    }

    private static byte[] Build(int chunkSize)
    {
        var body = new MemoryStream();
        var payload = new byte[chunkSize];
        Array.Fill(payload, (byte)'x');
        for (var total = 0; total < 1 << 20; total += chunkSize)
        {
            body.Write(Encoding.ASCII.GetBytes(chunkSize.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"));
            body.Write(payload);
            body.Write("\r\n"u8);
        }

        body.Write("0\r\n\r\n"u8);
        return body.ToArray();
    }
}
