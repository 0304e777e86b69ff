using System.Net;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Events;
using Sensor.Protocols.Dns;
using Sensor.Sessions.Dns;
using Sensor.Sinks;

namespace Sensor.Benchmarks.Protocols.Dns;

/// <summary>
/// One DNS answer (api.anthropic.com: a CNAME and two A records) from wire bytes to its <c>dns</c> event line in
/// EVE NDJSON (into <see cref="Stream.Null"/>): the per-message cost of the metadata path, where half the flows are DNS
/// and every query and answer is an event. The flow's envelope is cached after the first event, as for a real flow.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Disposed in GlobalCleanup, as BenchmarkDotNet runs it")]
public class DnsEventBenchmarks
{
    private const int Messages = 1000;

    private EveJsonEventSink _sink = null!;
    private FlowIdentity _flow = null!;
    private byte[] _answer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sink = new EveJsonEventSink(Stream.Null, new SensorInfo("bench", SensorInfo.ModePcap));
        _flow = new FlowIdentity(7, 17, IPAddress.Parse("10.0.0.5"), 53124, IPAddress.Parse("10.0.0.1"), 53, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=") { AppProto = "dns" };
        _answer = Answer();
    }

    [GlobalCleanup]
    public void Cleanup() => _sink.Dispose();

    [Benchmark(OperationsPerInvoke = Messages)]
    public int ReadAndWriteAnswer()
    {
        var answers = 0;
        for (var i = 0; i < Messages; i++)
        {
            if (DnsMessageReader.Read(_answer, out var message) == DnsStatus.Ok && message is not null)
            {
                _sink.Write(new DnsEvent(1_795_494_802_375_071, _flow, message));
                answers += message.Answers.Length;
            }
        }

        return answers;
    }

    /// <summary>Response to "api.anthropic.com A": CNAME to a compressed name, then two A records for it.</summary>
    private static byte[] Answer()
    {
        var m = new List<byte> { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0 };
        Name(m, "api", "anthropic", "com");
        m.AddRange([0, 1, 0, 1]);
        m.AddRange([0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60]); // CNAME, TTL 60
        var target = new List<byte>();
        Name(target, "edge", "anthropic", "net");
        m.AddRange([0, (byte)target.Count]);
        var cnameAt = m.Count;
        m.AddRange(target);
        foreach (var last in new byte[] { 10, 11 })
        {
            m.AddRange([0xC0, (byte)cnameAt, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 160, 79, 104, last]);
        }

        return [.. m];
    }

    private static void Name(List<byte> m, params string[] labels)
    {
        foreach (var label in labels)
        {
            m.Add((byte)label.Length);
            m.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        m.Add(0);
    }
}
