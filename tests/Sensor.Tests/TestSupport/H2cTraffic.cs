using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Sensor.Core.Streams;

namespace Sensor.Tests.TestSupport;

/// <summary>
/// Real HTTP/2 traffic on loopback: HttpClient (prior-knowledge h2c, <see cref="HttpVersionPolicy.RequestVersionExact"/>)
/// talking to Kestrel through a relay that records each direction's bytes in arrival order. What the server saw and
/// what the client got are kept beside the bytes, as the oracle. Recorded once per test run and shared.
/// </summary>
internal sealed class H2cTraffic
{
    /// <summary>Bound on the whole recording: a hung socket fails the test instead of hanging it.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<H2cTraffic> s_shared = new(() => RecordAsync().GetAwaiter().GetResult());

    public static H2cTraffic Shared => s_shared.Value;

    /// <summary>The relay's reads, in order: which way and the bytes.</summary>
    public List<(Direction Direction, byte[] Bytes)> Chunks { get; } = [];

    /// <summary>What Kestrel saw per request: method, authority, path+query, selected headers, body.</summary>
    public List<SeenRequest> ServerSaw { get; } = [];

    /// <summary>What HttpClient got per request path: status, body as decoded text, response headers.</summary>
    public Dictionary<string, SeenResponse> ClientGot { get; } = [];

    public static string LargeCookie { get; } = new('c', 20_000);

    public static string SseBody => "event: message\ndata: {\"n\":1}\n\nevent: message\ndata: {\"n\":2}\n\n";

    public static string GzipText { get; } = string.Concat(Enumerable.Repeat("compressible text, ", 500));

    public static byte[] LargeBody { get; } = Enumerable.Range(0, 100_000).Select(i => (byte)('a' + (i % 26))).ToArray();

    public byte[] Bytes(Direction direction) => Chunks.Where(c => c.Direction == direction).SelectMany(c => c.Bytes).ToArray();

    private static async Task<H2cTraffic> RecordAsync()
    {
        using var cts = new CancellationTokenSource(s_timeout);
        var traffic = new H2cTraffic();
        await using var app = BuildServer(traffic);
        await app.StartAsync(cts.Token);
        var serverPort = new Uri(app.Urls.First()).Port;

        using var relay = new TcpListener(IPAddress.Loopback, 0);
        relay.Start();
        var relayPort = ((IPEndPoint)relay.LocalEndpoint).Port;
        var relayTask = RelayOneConnectionAsync(relay, serverPort, traffic, cts.Token);

        using (var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{relayPort}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        })
        {
            await traffic.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/hello?x=1"), cts.Token);

            var post = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
            {
                Content = new StringContent("{\"model\":\"claude-sonnet-4\",\"stream\":false}", Encoding.UTF8, "application/json"),
            };
            post.Headers.Add("anthropic-version", "2023-06-01");
            await traffic.SendAsync(client, post, cts.Token);

            // Concurrent streams interleave their frames on the one connection.
            await Task.WhenAll(
                traffic.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/gzip"), cts.Token),
                traffic.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/sse"), cts.Token),
                traffic.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/large"), cts.Token),
                traffic.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/trailers"), cts.Token));

            // A 20 KB header: the block exceeds the 16 KB frame size, so HttpClient sends HEADERS + CONTINUATION.
            var big = new HttpRequestMessage(HttpMethod.Get, "/big-header");
            big.Headers.Add("x-large", LargeCookie);
            await traffic.SendAsync(client, big, cts.Token);

            var upload = new HttpRequestMessage(HttpMethod.Put, "/upload") { Content = new ByteArrayContent(LargeBody) };
            await traffic.SendAsync(client, upload, cts.Token);
        }

        await relayTask.WaitAsync(cts.Token);
        await app.StopAsync(cts.Token);
        return traffic;
    }

    private async Task SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken token)
    {
        var path = request.RequestUri!.OriginalString;
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var response = await client.SendAsync(request, token);
        var body = await response.Content.ReadAsByteArrayAsync(token);
        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));
        var trailers = response.TrailingHeaders.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));
        lock (ClientGot)
        {
            ClientGot[path] = new SeenResponse((int)response.StatusCode, body, headers, trailers);
        }
    }

    private static WebApplication BuildServer(H2cTraffic traffic)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var request = context.Request;
            lock (traffic.ServerSaw)
            {
                traffic.ServerSaw.Add(new SeenRequest(
                    request.Method, request.Host.Value ?? "", request.Path + request.QueryString, request.Headers.ContentType.ToString(), body.ToArray()));
            }

            var response = context.Response;
            response.Headers["x-server-note"] = "from-kestrel";
            switch (request.Path.Value)
            {
                case "/v1/messages":
                    response.ContentType = "application/json";
                    response.Headers["anthropic-organization-id"] = "2f5a1c3e-0000-4000-8000-000000000001";
                    await response.WriteAsync("{\"id\":\"msg_01\",\"model\":\"claude-sonnet-4\"}");
                    break;
                case "/gzip":
                    response.ContentType = "text/plain";
                    response.Headers.ContentEncoding = "gzip";
                    using (var gz = new MemoryStream())
                    {
                        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
                        {
                            zip.Write(Encoding.ASCII.GetBytes(GzipText));
                        }

                        await response.Body.WriteAsync(gz.ToArray());
                    }

                    break;
                case "/sse":
                    response.ContentType = "text/event-stream";
                    foreach (var part in SseBody.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
                    {
                        await response.WriteAsync(part + "\n\n");
                        await response.Body.FlushAsync();
                    }

                    break;
                case "/large":
                    response.ContentType = "application/octet-stream";
                    await response.Body.WriteAsync(LargeBody);
                    break;
                case "/trailers":
                    response.ContentType = "text/plain";
                    response.DeclareTrailer("x-checksum");
                    await response.WriteAsync("with trailers");
                    response.AppendTrailer("x-checksum", "abc123");
                    break;
                default:
                    response.ContentType = "text/plain";
                    await response.WriteAsync("hello world");
                    break;
            }
        });
        return app;
    }

    private static async Task RelayOneConnectionAsync(TcpListener relay, int serverPort, H2cTraffic traffic, CancellationToken token)
    {
        using var client = await relay.AcceptTcpClientAsync(token);
        using var server = new TcpClient();
        await server.ConnectAsync(IPAddress.Loopback, serverPort, token);
        client.NoDelay = true;
        server.NoDelay = true;
        await Task.WhenAll(
            PumpAsync(client.GetStream(), server, Direction.ToServer, traffic, token),
            PumpAsync(server.GetStream(), client, Direction.ToClient, traffic, token));
    }

    private static async Task PumpAsync(NetworkStream from, TcpClient to, Direction direction, H2cTraffic traffic, CancellationToken token)
    {
        var buffer = new byte[65536];
        var output = to.GetStream();
        while (true)
        {
            int read;
            try
            {
                read = await from.ReadAsync(buffer, token);
            }
            catch (IOException)
            {
                read = 0;
            }

            if (read == 0)
            {
                try
                {
                    to.Client.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                    // The other side already closed.
                }

                return;
            }

            lock (traffic.Chunks)
            {
                traffic.Chunks.Add((direction, buffer[..read]));
            }

            await output.WriteAsync(buffer.AsMemory(0, read), token);
        }
    }
}

internal sealed record SeenRequest(string Method, string Authority, string PathAndQuery, string ContentType, byte[] Body);

internal sealed record SeenResponse(int Status, byte[] Body, Dictionary<string, string> Headers, Dictionary<string, string> Trailers);
