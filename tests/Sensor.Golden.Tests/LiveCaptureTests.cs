using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>
/// <c>sensor capture</c> for real: libpcap on <c>lo</c>, the test's own TCP connections to a loopback listener,
/// then SIGTERM (or <c>-c</c> / <c>--duration</c>). Skipped, with the reason, where libpcap or the permission is missing.
/// </summary>
public sealed class LiveCaptureTests : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_ioTimeout = TimeSpan.FromSeconds(5);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [LiveCaptureFact]
    public void Capture_OnLoopback_ReportsEachConnection_AndStopsCleanlyOnSigterm()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var output = _temp.File("live.ndjson");
        using var sensor = SensorProcess.Start("capture", "-i", "lo", "-f", $"tcp port {port}", "-o", output);
        Assert.True(sensor.WaitForStderr("capturing on", s_startTimeout), "the sensor never said it was capturing:\n" + sensor.Stderr);

        var exchanges = Enumerable.Range(0, 3).Select(i => Exchange(listener, port, $"request {i} from the test")).ToList();
        Thread.Sleep(500); // immediate mode: frames are queued at once; leave a little time for the last FIN/ACKs
        sensor.Terminate();
        var run = sensor.WaitForExit(s_exitTimeout);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal("", run.Stdout);
        var events = EveEvent.ParseNdjson(File.ReadAllText(output));
        var flows = events.Where(e => e.Type == "flow").ToList();
        Assert.Equal(3, flows.Count);
        foreach (var exchange in exchanges)
        {
            var flow = Assert.Single(flows, e => e.Long("src_port") == exchange.ClientPort);
            Assert.Equal("TCP", flow.String("proto"));
            Assert.Equal("127.0.0.1", flow.String("src_ip"));
            Assert.Equal("127.0.0.1", flow.String("dest_ip"));
            Assert.Equal(port, flow.Long("dest_port"));
            Assert.True(flow.Long("flow.pkts_toserver") > 0 && flow.Long("flow.pkts_toclient") > 0, flow.Line);
            Assert.Equal(exchange.Sent, flow.Long("flow.payload_bytes_toserver"));
            Assert.Equal(exchange.Received, flow.Long("flow.payload_bytes_toclient"));
            Assert.Equal(CommunityIdV1.Compute(IPAddress.Loopback, exchange.ClientPort, IPAddress.Loopback, port, 6), flow.String("community_id"));
        }

        Assert.Equal(3, flows.Select(f => f.Long("flow_id")).Distinct().Count());
        Assert.All(events, e =>
        {
            Assert.Equal("live", e.String("sensor.mode"));
            Assert.Equal(1, e.Long("schema_version"));
            Assert.Matches(EveTimestamps.Format(), e.String("timestamp") ?? "");
        });
        var stats = events[^1];
        Assert.Equal("stats", stats.Type);
        Assert.True(stats.Get("stats.final")?.GetBoolean());
        Assert.Equal(3, stats.Long("stats.flow.total"));
        Assert.True(stats.Long("stats.decoder.pkts") >= flows.Sum(f => f.Long("flow.pkts_toserver") + f.Long("flow.pkts_toclient")));
        Assert.Contains("== sensor summary ==", run.Stderr, StringComparison.Ordinal);
    }

    [LiveCaptureFact]
    public void Capture_WithDuration_StopsByItself_AfterThatTime()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();
        using var sensor = SensorProcess.Start("capture", "-i", "lo", "-f", $"tcp port {port}", "--duration", "2");
        Assert.True(sensor.WaitForStderr("capturing on", s_startTimeout), "the sensor never said it was capturing:\n" + sensor.Stderr);
        var exchange = Exchange(listener, port, "inside the capture window");

        var run = sensor.WaitForExit(s_exitTimeout);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"stopped after {clock.Elapsed.TotalSeconds:F2} s, before --duration 2");
        var flow = Assert.Single(run.OfType("flow"));
        Assert.Equal(exchange.ClientPort, flow.Long("src_port"));
        Assert.Equal(port, flow.Long("dest_port"));
        Assert.Equal("stats", run.Events[^1].Type);
        Assert.True(run.Events[^1].Get("stats.final")?.GetBoolean());
    }

    [LiveCaptureFact]
    public void Capture_WithCount_StopsByItself_AfterThatManyPackets()
    {
        const int count = 4;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var sensor = SensorProcess.Start("capture", "-i", "lo", "-f", $"tcp port {port}", "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(sensor.WaitForStderr("capturing on", s_startTimeout), "the sensor never said it was capturing:\n" + sensor.Stderr);

        // One exchange is at least 8 packets (handshake, data both ways, FINs), more than the count.
        var exchange = Exchange(listener, port, "more packets than the count");
        var run = sensor.WaitForExit(s_exitTimeout);

        Assert.True(run.ExitCode == 0, run.Describe());
        var stats = run.Events[^1];
        Assert.Equal("stats", stats.Type);
        Assert.Equal(count, stats.Long("stats.decoder.pkts"));
        var flow = Assert.Single(run.OfType("flow"));
        Assert.Equal(exchange.ClientPort, flow.Long("src_port"));
        Assert.Equal(count, flow.Long("flow.pkts_toserver") + flow.Long("flow.pkts_toclient"));
    }

    [LiveCaptureFact]
    public void Capture_OnAnUnknownInterface_Exits1_WithOneLineNamingIt()
    {
        var run = SensorCli.Run(["capture", "-i", "nosuch0", "--duration", "1"], null, s_exitTimeout);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines, l => l.Trim().Length > 0);
        Assert.Contains("'nosuch0'", line, StringComparison.Ordinal);
    }

    [LiveCaptureFact]
    public void Capture_WithABadFilter_Exits1_WithLibpcapsReason()
    {
        var run = SensorCli.Run(["capture", "-i", "lo", "-f", "tcp port", "--duration", "1"], null, s_exitTimeout);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines, l => l.Trim().Length > 0);
        Assert.StartsWith("sensor capture: cannot capture on lo: ", line, StringComparison.Ordinal);
        Assert.Contains("filter", line, StringComparison.Ordinal);
    }

    /// <summary>Where libpcap cannot be loaded, <c>sensor capture</c> says so in one line naming the Debian package.</summary>
    [WithoutLibpcapFact]
    public void Capture_WithoutLibpcap_SaysWhichDebianPackageToInstall_InOneLine()
    {
        var sensorCommand = new[] { "capture", "-i", "lo", "--duration", "1" };
        var info = LiveCaptureEnvironment.LibpcapPresent
            ? LiveCaptureEnvironment.HidingLibpcap([SensorCli.DotnetHost, SensorCli.Dll, .. sensorCommand])
            : SensorCli.StartInfo(sensorCommand);

        var run = SensorCli.RunProcess(info, s_exitTimeout, "capture without libpcap");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines, l => l.Trim().Length > 0);
        Assert.Contains("libpcap0.8", line, StringComparison.Ordinal);
        Assert.StartsWith("sensor capture: ", line, StringComparison.Ordinal);
    }

    private readonly record struct ExchangeResult(int ClientPort, int Sent, int Received);

    /// <summary>One TCP connection: the client sends <paramref name="request"/>, the server answers, the client closes first.</summary>
    private static ExchangeResult Exchange(TcpListener listener, int port, string request)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork) { ReceiveTimeout = (int)s_ioTimeout.TotalMilliseconds, SendTimeout = (int)s_ioTimeout.TotalMilliseconds };
        using (var connect = new CancellationTokenSource(s_ioTimeout))
        {
            client.ConnectAsync(IPAddress.Loopback, port, connect.Token).AsTask().GetAwaiter().GetResult();
        }

        var accept = listener.AcceptTcpClientAsync();
        Assert.True(accept.Wait(s_ioTimeout), "the listener did not accept the connection");
        using var server = accept.Result;
        server.ReceiveTimeout = server.SendTimeout = (int)s_ioTimeout.TotalMilliseconds;

        var requestBytes = Encoding.ASCII.GetBytes(request);
        client.GetStream().Write(requestBytes);
        var received = new byte[requestBytes.Length];
        server.GetStream().ReadExactly(received);
        var answer = Encoding.ASCII.GetBytes("ok: " + Encoding.ASCII.GetString(received));
        server.GetStream().Write(answer);
        var echoed = new byte[answer.Length];
        client.GetStream().ReadExactly(echoed);
        Assert.Equal(answer, echoed);

        var clientPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        client.Client.Shutdown(SocketShutdown.Both);
        client.Close();
        Assert.Equal(0, server.GetStream().Read(new byte[1])); // the client's FIN arrived
        server.Close();
        return new ExchangeResult(clientPort, requestBytes.Length, answer.Length);
    }
}
