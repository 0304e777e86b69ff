using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>HTTP/2 on the shared capture with its key log: every labelled request of a decryptable h2 flow is an <c>http</c> event.</summary>
public sealed class Http2CliTests
{
    [Fact]
    public void Every_labelled_HTTP2_request_appears_with_method_host_path_and_status()
    {
        var pcaps = Path.Combine(Repo.Shared, "pcaps");
        var run = SensorCli.Run("analyze", "-q", "--keylog", Path.Combine(pcaps, "all.keys.log"), Path.Combine(pcaps, "all.pcap"));
        Assert.True(run.ExitCode == 0, run.Describe());

        var events = run.OfType("http").Where(e => e.String("http.protocol") == "HTTP/2")
            .Select(e => (Ports: ((int)e.Long("src_port"), (int)e.Long("dest_port")), Method: e.String("http.http_method"), Host: e.String("http.hostname"), Url: e.String("http.url"), Status: e.Long("http.status")))
            .ToList();
        Assert.DoesNotContain(run.OfType("anomaly"), a => a.String("anomaly.layer") == "http2");

        using var labels = JsonDocument.Parse(File.ReadAllText(Path.Combine(pcaps, "labels.json")));
        var expected = 0;
        foreach (var flow in labels.RootElement.GetProperty("flows").EnumerateArray())
        {
            var versions = flow.GetProperty("http_versions").EnumerateArray().Select(v => v.GetString()).ToList();
            if (!versions.Contains("2.0") || !flow.GetProperty("payload_visible").GetBoolean() || flow.GetProperty("keys_withheld").GetBoolean())
            {
                continue;
            }

            var ports = (flow.GetProperty("client").GetProperty("port").GetInt32(), flow.GetProperty("server").GetProperty("port").GetInt32());
            foreach (var request in flow.GetProperty("requests").EnumerateArray())
            {
                expected++;
                var method = request.GetProperty("method").GetString();
                var host = request.GetProperty("host").GetString();
                var path = request.GetProperty("path").GetString()!;
                var status = request.GetProperty("status").GetInt32();
                var match = events.FindIndex(e => e.Ports == ports && e.Method == method && e.Host == host && e.Status == status && e.Url!.Split('?')[0] == path.Split('?')[0]);
                Assert.True(match >= 0, $"{method} {host}{path} {status} on ports {ports}");
                events.RemoveAt(match);
            }
        }

        Assert.True(expected >= 25, $"{expected} labelled HTTP/2 requests");
    }
}
