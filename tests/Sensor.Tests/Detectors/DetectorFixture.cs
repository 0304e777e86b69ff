using System.Text;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Detectors;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Findings;
using Sensor.Detectors.Rules;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>The shipped rule pack, an inspector writing to a recorder, and helpers that never print a detected value.</summary>
internal static class DetectorFixture
{
    private static readonly Lazy<RulePack> s_pack = new(() => Load(new DetectorOptions()));

    public static string ShippedRules => Path.Combine(SharedInputs.RepositoryRoot, "classifiers", "rules", "secrets.json");

    public static RulePack Pack => s_pack.Value;

    /// <summary>A fixed test key: fingerprints are stable across runs.</summary>
    public static FindingFormatter Formatter { get; } = new(Encoding.ASCII.GetBytes("test-key-for-fingerprints-0123456789"));

    public static RulePack Load(DetectorOptions options, params string[] extra)
    {
        var errors = new List<string>();
        var pack = RulePack.Load([ShippedRules, .. extra], options, errors);
        Assert.True(pack is not null, string.Join("\n", errors));
        return pack!;
    }

    /// <summary>(type, value) of every distinct match in <paramref name="text"/>; values stay in memory, tests print only types.</summary>
    public static List<(string Type, string Value, int Count)> Matches(string text, bool json = false, RulePack? pack = null)
    {
        var receiver = new Collector();
        new DetectorEngine(pack ?? Pack).Scan(Encoding.UTF8.GetBytes(text), json, receiver);
        return receiver.Found;
    }

    public static (SecretInspector Inspector, EventRecorder Recorder) Inspector(RulePack? pack = null)
    {
        var recorder = new EventRecorder();
        return (new SecretInspector(pack ?? Pack, Formatter, recorder, recorder.Context.Anomalies), recorder);
    }

    public static HttpExchange Exchange(string host) => new(EventRecorder.Flow(443), "HTTP/1.1", 0) { Host = host, Method = "POST", Target = "/v1/messages" };

    public static void Inspect(SecretInspector inspector, string location, string text, HttpExchange? exchange = null, Direction direction = Direction.ToServer, string? contentType = null) =>
        inspector.Inspect(new PayloadSource(exchange?.Flow ?? EventRecorder.Flow(443), direction, location, exchange, contentType, 1_700_000_000_000_000), Encoding.UTF8.GetBytes(text));

    /// <summary>Every event as its full NDJSON line (envelope and body), as a sink would write it.</summary>
    public static string AllOutput(EventRecorder recorder)
    {
        var text = new StringBuilder();
        foreach (var e in recorder.Events)
        {
            text.AppendLine(EventRecorder.Body(e));
        }

        return text.ToString();
    }

    public sealed class Collector : IMatchReceiver
    {
        public List<(string Type, string Value, int Count)> Found { get; } = [];

        public void OnMatch(DetectorRule rule, ReadOnlySpan<char> value, int count) => Found.Add((rule.Type, value.ToString(), count));
    }

    /// <summary>A receiver that does nothing (allocation and work-bound tests).</summary>
    public sealed class Discard : IMatchReceiver
    {
        public int Count { get; private set; }

        public void OnMatch(DetectorRule rule, ReadOnlySpan<char> value, int count) => Count++;
    }

    public static IEnumerable<FindingEvent> Findings(EventRecorder recorder) => recorder.Of<FindingEvent>();
}
