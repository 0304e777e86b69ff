using System.Net;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Events;
using Sensor.Sinks;

namespace Sensor.Benchmarks.Sinks;

/// <summary>
/// One <c>flow</c> event (a typical TCP flow's record) serialised as EVE NDJSON into <see cref="Stream.Null"/>.
/// Every ended flow pays this once; with short flows (DNS, small HTTPS) it rivals the packets' own cost.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Disposed in GlobalCleanup, as BenchmarkDotNet runs it")]
public class EveJsonEventSinkBenchmarks
{
    private const int Events = 1000;

    private EveJsonEventSink _sink = null!;
    private FlowEvent _event = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sink = new EveJsonEventSink(Stream.Null, new SensorInfo("bench", SensorInfo.ModePcap));
        var identity = new FlowIdentity(42, 6, IPAddress.Parse("127.0.0.1"), 50848, IPAddress.Parse("127.10.1.33"), 443, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
        _event = new FlowEvent(1_795_494_802_375_071, identity)
        {
            PacketsToServer = 12,
            PacketsToClient = 10,
            BytesToServer = 2_345,
            BytesToClient = 9_876,
            PayloadBytesToServer = 1_500,
            PayloadBytesToClient = 8_800,
            StartMicros = 1_795_494_714_461_581,
            EndMicros = 1_795_494_802_375_071,
            State = "closed",
            Reason = "timeout",
            TcpFlags = "SFPA",
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _sink.Dispose();

    [Benchmark(OperationsPerInvoke = Events)]
    public void WriteFlowEvent()
    {
        for (var i = 0; i < Events; i++)
        {
            _sink.Write(_event);
        }
    }
}
