using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sensor.Core.Streams;

namespace Sensor.Tests.Sessions.Http;

/// <summary>
/// Real client as the oracle: <see cref="HttpClient"/> talks keep-alive HTTP/1.1 to a small loopback server written
/// here, which records both byte streams in wire order. Replayed into <see cref="Sensor.Sessions.Http.Http1Session"/>,
/// every exchange must come out as the client saw it: method, path, status, the body it sent and the body it decoded.
/// </summary>
public sealed class Http1DifferentialTests
{
    private static readonly (HttpMethod Method, string Path, string? Body, bool ChunkedUpload)[] s_calls =
    [
        (HttpMethod.Get, "/json", null, false),
        (HttpMethod.Post, "/v1/messages?beta=true", "{\"model\":\"claude\",\"messages\":[]}", false),
        (HttpMethod.Post, "/chunked", "{\"stream\":true}", true),
        (HttpMethod.Get, "/gzip", null, false),
        (HttpMethod.Get, "/br", null, false),
        (HttpMethod.Get, "/deflate", null, false),
        (HttpMethod.Get, "/sse", null, false),
        (HttpMethod.Delete, "/empty", null, false),
        (HttpMethod.Head, "/json", null, false),
        (HttpMethod.Put, "/json", new string('x', 70_000), false),
    ];

    [Fact]
    public async Task HttpClientTraffic_ReplayedIntoTheSession_GivesWhatTheClientSaw()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var wire = new List<(Direction Direction, byte[] Bytes)>();
        var server = Task.Run(() => ServeAsync(listener, wire, s_calls.Length, timeout.Token), timeout.Token);

        var seen = new List<(string Method, string Path, int Status, string SentBody, string ReceivedBody)>();
        using (var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, MaxConnectionsPerServer = 1, UseProxy = false })
        using (var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}") })
        {
            foreach (var (method, path, body, chunked) in s_calls)
            {
                using var request = new HttpRequestMessage(method, path);
                if (body is not null)
                {
                    request.Content = chunked ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) : new StringContent(body, Encoding.UTF8, "application/json");
                    if (chunked)
                    {
                        request.Headers.TransferEncodingChunked = true;
                    }
                }

                using var response = await client.SendAsync(request, timeout.Token);
                var received = await response.Content.ReadAsStringAsync(timeout.Token);
                seen.Add((method.Method, path, (int)response.StatusCode, body ?? "", received));
            }
        }

        await server;
        listener.Stop();

        var run = new SessionRun();
        foreach (var (direction, bytes) in wire)
        {
            run.Session.OnData(direction, new ReadOnlySequence<byte>(bytes));
        }

        run.End();
        Assert.Empty(run.Recorder.Anomalies);
        var exchanges = run.Exchanges;
        Assert.Equal(seen.Count, exchanges.Count);
        for (var i = 0; i < seen.Count; i++)
        {
            var (method, path, status, sent, received) = seen[i];
            var x = exchanges[i];
            Assert.Equal((method, path, status, "127.0.0.1"), (x.Method, x.Target, x.Status ?? 0, x.Host));
            Assert.Equal(sent, Encoding.UTF8.GetString(x.RequestBody.Content.Span));
            Assert.Equal(received, Encoding.UTF8.GetString(x.ResponseBody.Content.Span));
            Assert.False(x.ResponseBody.Truncated || x.RequestBody.Truncated, $"exchange {i} truncated");
        }

        Assert.True(exchanges.Single(x => x.Target == "/sse").ResponseIsEventStream);
        Assert.Equal(s_calls.Length, run.Observer.Log.Count(l => l.Contains("response-complete", StringComparison.Ordinal) && l.EndsWith("ended", StringComparison.Ordinal)));
    }

    /// <summary>Answers <paramref name="count"/> requests on one connection, recording every byte each way in order.</summary>
    private static async Task ServeAsync(TcpListener listener, List<(Direction, byte[])> wire, int count, CancellationToken cancel)
    {
        using var socket = await listener.AcceptTcpClientAsync(cancel);
        var stream = socket.GetStream();
        var pending = new List<byte>();
        var buffer = new byte[65536];
        for (var served = 0; served < count; served++)
        {
            var requestBytes = new List<byte>();
            int headEnd;
            while ((headEnd = IndexOf(pending, "\r\n\r\n"u8.ToArray())) < 0)
            {
                var n = await stream.ReadAsync(buffer, cancel);
                Assert.True(n > 0, "client closed early");
                wire.Add((Direction.ToServer, buffer[..n]));
                pending.AddRange(buffer.AsSpan(0, n));
            }

            var head = Encoding.ASCII.GetString([.. pending.Take(headEnd + 4)]);
            pending.RemoveRange(0, headEnd + 4);
            var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var chunked = head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
            var bodyLength = lengthLine is null ? 0 : int.Parse(lengthLine.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            while (chunked ? IndexOf(pending, "0\r\n\r\n"u8.ToArray()) < 0 : pending.Count < bodyLength)
            {
                var n = await stream.ReadAsync(buffer, cancel);
                Assert.True(n > 0, "client closed mid-body");
                wire.Add((Direction.ToServer, buffer[..n]));
                pending.AddRange(buffer.AsSpan(0, n));
            }

            pending.RemoveRange(0, chunked ? IndexOf(pending, "0\r\n\r\n"u8.ToArray()) + 5 : bodyLength);
            var response = Respond(head.Split(' ')[0], head.Split(' ')[1]);
            wire.Add((Direction.ToClient, response));
            await stream.WriteAsync(response, cancel);
        }
    }

    private static byte[] Respond(string method, string path)
    {
        var json = Encoding.UTF8.GetBytes("{\"id\":\"msg_01\",\"content\":[{\"type\":\"text\",\"text\":\"" + new string('a', 3000) + "\"}]}");
        return path switch
        {
            "/empty" => Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n"),
            "/chunked" => Chunked("application/json", null, json),
            "/gzip" => Whole("application/json", "gzip", Compression.Encode("gzip", json), head: false),
            "/br" => Chunked("application/json", "br", Compression.Encode("br", json)),
            "/deflate" => Whole("application/json", "deflate", Compression.Encode("deflate", json), head: false),
            "/sse" => Chunked("text/event-stream", null, "event: message_start\ndata: {\"a\":1}\n\n"u8.ToArray(), "data: [DONE]\n\n"u8.ToArray()),
            _ => Whole("application/json", null, json, head: method == "HEAD"),
        };
    }

    private static byte[] Whole(string type, string? encoding, byte[] body, bool head)
    {
        var text = $"HTTP/1.1 200 OK\r\nContent-Type: {type}\r\n{(encoding is null ? "" : $"Content-Encoding: {encoding}\r\n")}Content-Length: {body.Length}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(text), .. head ? [] : body];
    }

    private static byte[] Chunked(string type, string? encoding, params byte[][] chunks)
    {
        var output = new List<byte>(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {type}\r\n{(encoding is null ? "" : $"Content-Encoding: {encoding}\r\n")}Transfer-Encoding: chunked\r\n\r\n"));
        foreach (var chunk in chunks)
        {
            // Split each piece in two chunks, the second with an extension, to exercise the decoder.
            var half = chunk.Length / 2;
            output.AddRange(Encoding.ASCII.GetBytes($"{half:x}\r\n"));
            output.AddRange(chunk.AsSpan(0, half));
            output.AddRange(Encoding.ASCII.GetBytes($"\r\n{chunk.Length - half:x};n=v\r\n"));
            output.AddRange(chunk.AsSpan(half));
            output.AddRange("\r\n"u8);
        }

        output.AddRange("0\r\n\r\n"u8);
        return [.. output];
    }

    private static int IndexOf(List<byte> bytes, byte[] value) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).IndexOf(value);
}
