using System.Net;
using System.Text;
using System.Text.Json;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Json;
using Sensor.Core.Payloads;
using Sensor.Host;
using Sensor.Host.Commands;
using Sensor.Host.Configuration;
using Sensor.Inspection.Attribution;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Sessions.Http;
using Sensor.Sessions.Mcp;
using Sensor.Sessions.Quic;
using Sensor.Sessions.Tls;
using Sensor.Sinks;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sinks;

/// <summary>
/// The sink builds most lines as bytes (the envelope per flow, the bodies through <see cref="SensorEvent.TryWritePlainBody"/>):
/// every line must be the line the writer-only sink wrote (<see cref="LegacyEveLine"/>), on the shared captures with their
/// keys and on values that need the writer's escaping (quotes, backslash, control characters, non-ASCII, lone surrogates,
/// and '&lt;' '&gt;' '&amp;' '+' '`', which the default encoder escapes and the sink's relaxed one does not).
/// </summary>
public sealed class EventLineEquivalenceTests
{
    private static readonly SensorInfo s_sensor = new("sensor-1", SensorInfo.ModePcap);

    /// <summary>Texts that need escaping (or look as if they might), each in every string field of the events below.</summary>
    public static TheoryData<string> Awkward => new()
    {
        "plain-ascii_1.2/3?a=b;c",
        "quote \" and back\\slash",
        "ctl \u0001\t\n\r\u001f del\u007f",
        "caf\u00e9 \u65e5\u672c \U0001F600",
        "<script>&'+`~</script>",
        "lone \ud800 surrogate \udc00",
        "",
        "a value longer than the short-text pass <&+> ok",
        "a value longer than the short-text pass, then caf\u00e9 \" \\ \u0001",
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SharedCaptureWithKeys_EveryLineIsTheWritersLine(bool payloads)
    {
        var keys = new TlsKeyStore();
        keys.AddKeyLog(File.ReadAllBytes(SharedInputs.Pcap("all.keys.log")));
        using var sink = new CheckingSink();
        var processor = Pipeline.Create(new SensorConfig { PayloadParsing = payloads }, sink, new CaptureCounters(), TextWriter.Null, keys);
        Assert.NotNull(processor);
        using (var source = CaptureFile.Open(SharedInputs.Pcap("all.pcap"), out var error))
        {
            Assert.True(source is not null, error);
            AnalyzeCommand.Pump(source, processor, null, 0, keys);
        }

        processor.Finish();

        Assert.True(sink.Mismatches.Count == 0, string.Join("\n", sink.Mismatches));
        string[] expected = payloads ? ["dns", "tls", "ai", "flow", "http", "mcp", "finding"] : ["dns", "tls", "ai", "flow"];
        foreach (var type in expected)
        {
            // Written as bytes, not through the fallback: the test would pass vacuously otherwise.
            Assert.True(sink.Plain.GetValueOrDefault(type) > 0, $"no {type} event took the byte path");
        }
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public void FlowEvents_AndTheirEnvelopes(string text)
    {
        var v6 = new FlowIdentity(7, 58, IPAddress.Parse("fe80::1%3"), 0, IPAddress.Parse("2001:db8::ffff:1.2.3.4"), 0, "1:" + text) { AppProto = text };
        AssertLines(new FlowEvent(1_795_494_802_375_071, v6) { State = text, Reason = text, StartMicros = 1_795_494_800_000_001, EndMicros = 1_795_494_802_375_071 });
        var tcp = Flow(text);
        AssertLines(new FlowEvent(1_795_494_802_375_071, tcp)
        {
            State = "closed",
            Reason = "timeout",
            PacketsToServer = 3,
            PacketsToClient = long.MaxValue,
            BytesToServer = 1234,
            PayloadBytesToClient = -1,
            StartMicros = 0,
            EndMicros = 86_400_000_000,
            Midstream = true,
            GapBytesToServer = 5,
            TcpFlags = text,
        });
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public void FindingAndAnomalyEvents(string text)
    {
        AssertLines(new FindingEvent(1_795_494_802_375_071, Flow(text))
        {
            Detector = text,
            Category = "secret",
            Type = text,
            Severity = "high",
            Direction = "to_server",
            Location = text,
            Redacted = text,
            Fingerprint = text,
            Count = 3,
            Host = text,
            Field = text,
            Threat = new ThreatDetails
            {
                Tool = text,
                Argument = text,
                Evidence = text,
                Rules = [text, "b"],
                Value = text,
                HiddenText = text,
                Command = text,
                InjectedByHost = text,
                Methods = [],
                Via = text,
                SessionId = text,
            },
        });
        AssertLines(new FindingEvent(1, null) { Detector = "d", Category = "c", Type = "t", Severity = "s", Direction = "to_client", Location = text, Threat = new ThreatDetails { InjectedByTool = text } });
        AssertLines(new AnomalyEvent(1_795_494_802_375_071, null, AnomalyKind.CaptureTruncatedRecord, 0, text));
        AssertLines(new AnomalyEvent(2, Flow(text), AnomalyKind.CaptureTruncatedRecord, -5, null));
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public void TlsAndQuicEvents(string text)
    {
        AssertLines(new TlsEvent(1_795_494_802_375_071, Flow(text))
        {
            Sni = text,
            Version = "TLS 1.3",
            ClientAlpns = [text, "h2"],
            ServerAlpn = text,
            OfferedVersions = ["TLS 1.3", text],
            Ja3Hash = text,
            Ja3String = null,
            Ja3sHash = "abc",
            Ja3sString = text,
            Ja4 = text,
            CipherSuite = text,
            Subject = text,
            Issuer = text,
            SubjectAltNames = [text],
            SniMatchesCertificate = false,
            Ech = true,
            Decrypted = true,
        });
        AssertLines(new TlsEvent(3, Flow(text)));
        AssertLines(new QuicEvent(4, Flow(text)) { Version = text, Sni = text, Alpns = [text, "h3"], Ja4 = text, Ech = true });
        AssertLines(new QuicEvent(5, Flow(text)) { Version = "1" });
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public void AiEvents(string text)
    {
        AssertLines(new AiEvent(1_795_494_802_375_071, Flow(text))
        {
            Vendor = text,
            VendorName = text,
            Service = text,
            ServiceKind = "ai-api",
            Mcp = true,
            Client = text,
            Tenant = text,
            TenantId = text,
            TenantIds = [text, "org-2"],
            RequestTenants = new Dictionary<string, int> { [text] = 2, ["personal"] = 0 },
            Basis = [text, "header"],
            Confidence = 0.1 + 0.2,
            Model = text,
            Host = text,
            HostSource = "sni",
            Plan = text,
        });
        AssertLines(new AiEvent(2, Flow(text)) { Vendor = "v", VendorName = "V", Service = "s", ServiceKind = "mcp", Host = "h", HostSource = "dns", RequestTenants = new Dictionary<string, int> { ["unknown"] = 0 } });
        foreach (var confidence in new[] { 1.0, 0.0, 0.85, 1e-7, 123456789.125, double.Epsilon })
        {
            AssertLines(new AiEvent(3, Flow(text)) { Vendor = "v", VendorName = "V", Service = "s", ServiceKind = "mcp", Host = "h", HostSource = "dns", Confidence = confidence });
        }
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public void McpEvents(string text)
    {
        AssertLines(new McpEvent(1_795_494_802_375_071, Flow(text))
        {
            Dialect = text,
            ProtocolVersion = text,
            SessionId = text,
            Direction = "to_server",
            Kind = "request",
            Method = text,
            Id = text,
            Tool = text,
            Resource = text,
            Server = (text, null),
            Client = (null, text),
            Auth = text,
            OAuthStep = text,
            ErrorCode = -32601,
            Tools = [(text, "00ff"), ("b", text)],
            ArgumentNames = [text],
            Host = text,
            Status = 200,
            HeaderMismatch = [text],
            HeaderParams = [],
            Unauthenticated = true,
            Batch = true,
        });
        AssertLines(new McpEvent(2, Flow(text)) { Dialect = "streamable-http", Direction = "to_client", Kind = "result", Auth = "none" });
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public void HttpEvents(string text)
    {
        var flow = Flow(text);
        var x = new HttpExchange(flow, "HTTP/1.1", 2) { Decrypted = true, Method = text, Host = text, Target = "/v1/" + text + "?key=" + text, Status = 200 };
        x.RequestHeaders.Add(new HttpHeader("user-agent", text));
        x.RequestHeaders.Add(new HttpHeader("user-agent", "second"));
        x.RequestHeaders.Add(new HttpHeader("referer", "https://r.example/?token=" + text));
        x.RequestHeaders.Add(new HttpHeader("content-type", text));
        x.RequestHeaders.Add(new HttpHeader("content-encoding", text));
        x.ResponseHeaders.Add(new HttpHeader("content-type", text));
        x.ResponseHeaders.Add(new HttpHeader("content-encoding", text));
        x.ResponseIsEventStream = true;
        x.AiCall = new AiApiCall { Api = text, Model = text, Stream = true };
        x.AiCall.Tools.Add(text);
        x.AiCall.McpServerUrls.Add(text);
        x.Evidence.Add(new TenantEvidence(text, "header:anthropic-organization-id", text, text));
        x.Evidence.Add(new TenantEvidence("v", text, "k", "value"));
        x.Credential = new CredentialInfo(text, text, text, "00");
        x.TenantVerdict = new TenantVerdict(text, text, [text, "b"], 0.85);
        AssertLines(new HttpEvent(1_795_494_802_375_071, flow, x, complete: true));

        // Redacted values, a field over the cap (cut inside a surrogate pair when the text has one), no response.
        var y = new HttpExchange(flow, "HTTP/2", 0, streamId: 5) { Host = text, Target = "/path/" + text };
        var longValue = new string('a', HttpEvent.MaxFieldChars - 1) + "\U0001F600" + text;
        y.RequestHeaders.Add(new HttpHeader("user-agent", longValue));
        y.RequestHeaders.Add(new HttpHeader("content-type", text));
        y.Redact(PayloadLocation.RequestHeader("content-type"));
        y.Redact(PayloadLocation.RequestHeader("host"));
        y.Redact(PayloadLocation.RequestUrl);
        y.Redact(text);
        y.Evidence.Add(new TenantEvidence("v", text, "k", "secret-looking"));
        y.TenantVerdict = new TenantVerdict("unknown", null, [], null);
        AssertLines(new HttpEvent(7, flow, y, complete: false));
    }

    /// <summary>The cached envelope follows app_proto; a flow event without a cache encodes in place and other events still find theirs.</summary>
    [Fact]
    public void FlowEnvelope_FollowsAppProto_WhateverTheEventOrder()
    {
        var flow = Flow("x");
        flow.AppProto = null;
        SensorEvent Finding() => new FindingEvent(5, flow) { Detector = "d", Category = "c", Type = "t", Severity = "s", Direction = "to_server", Location = "l" };
        SensorEvent Ended() => new FlowEvent(6, flow) { State = "closed", Reason = "fin" };
        using var output = new MemoryStream();
        var expected = new StringBuilder();
        using (var sink = new EveJsonEventSink(output, s_sensor, ownsStream: false))
        {
            foreach (var (next, appProto) in new (Func<SensorEvent> Event, string? AppProto)[]
            {
                (Ended, null), (Finding, null), (Ended, null), (Finding, "http"), (Ended, "http"), (Finding, "http2"), (Finding, "http2"), (Ended, null),
            })
            {
                flow.AppProto = appProto;
                var sensorEvent = next();
                sink.Write(sensorEvent);
                expected.Append(Encoding.UTF8.GetString(LegacyEveLine.Write(sensorEvent, s_sensor)));
            }
        }

        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void EventTypesOfAnyLength_AndUnknownTypes_AreWrittenOrRefused()
    {
        AssertLines(new CustomTypeEvent("stats-like_type"));
        Assert.Throws<ArgumentException>(() =>
        {
            using var sink = new EveJsonEventSink(new MemoryStream(), s_sensor, ownsStream: true);
            sink.Write(new CustomTypeEvent(new string('x', 100)));
        });
    }

    /// <summary>One event through the sink (a fresh one and one that has seen other events) against the writer-only line.</summary>
    private static void AssertLines(SensorEvent sensorEvent)
    {
        byte[] legacy;
        try
        {
            legacy = LegacyEveLine.Write(sensorEvent, s_sensor);
        }
        catch (ArgumentException)
        {
            // Text the writer refuses (it is not expected in events): the sink refuses it too, it does not write other bytes.
            using var refusing = new EveJsonEventSink(new MemoryStream(), s_sensor, ownsStream: true);
            Assert.ThrowsAny<ArgumentException>(() => refusing.Write(sensorEvent));
            return;
        }

        using var output = new MemoryStream();
        using (var sink = new EveJsonEventSink(output, s_sensor, ownsStream: false))
        {
            sink.Write(sensorEvent);
            sink.Write(sensorEvent); // the flow's cached envelope, the type and the second from the previous line
        }

        var expected = Encoding.UTF8.GetString(legacy);
        Assert.Equal(expected + expected, Encoding.UTF8.GetString(output.ToArray()));
        JsonDocument.Parse(legacy).Dispose();
    }

    private static FlowIdentity Flow(string text) =>
        new(42, 6, IPAddress.Parse("192.0.2.10"), 50000, IPAddress.Parse("198.51.100.20"), 443, "1:abc+/=" + text) { AppProto = "tls" };

    private sealed class CustomTypeEvent(string type) : SensorEvent(9, null)
    {
        public override string EventType => type;

        public override void WriteBody(Utf8JsonWriter writer) => writer.WriteNumber("n", 1);
    }

    /// <summary>Writes each event to the sink and to the writer-only line and keeps the differences, and which types took the byte path.</summary>
    private sealed class CheckingSink : IEventSink, IDisposable
    {
        private readonly MemoryStream _output = new();
        private readonly EveJsonEventSink _sink;

        public CheckingSink() => _sink = new EveJsonEventSink(_output, s_sensor, ownsStream: false);

        public List<string> Mismatches { get; } = [];

        public Dictionary<string, int> Plain { get; } = [];

        public void Write(SensorEvent sensorEvent)
        {
            if (sensorEvent is StatsEvent)
            {
                return; // reads the process's memory as it is written: two writes differ (and it has no byte path)
            }

            var expected = Encoding.UTF8.GetString(LegacyEveLine.Write(sensorEvent, s_sensor));
            _output.SetLength(0);
            _sink.Write(sensorEvent);
            _sink.Flush();
            var actual = Encoding.UTF8.GetString(_output.ToArray());
            if (actual != expected && Mismatches.Count < 5)
            {
                Mismatches.Add(expected + actual);
            }

            if (sensorEvent.TryWritePlainBody(PlainJsonBuilder.SharedAfterMember()))
            {
                Plain[sensorEvent.EventType] = Plain.GetValueOrDefault(sensorEvent.EventType) + 1;
            }
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
            _sink.Dispose();
            _output.Dispose();
        }
    }
}
