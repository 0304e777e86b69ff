using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Engine;
using Sensor.Host.Commands;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions;

/// <summary>
/// Passive TLS decryption through the real pipeline (capture reader -> engine -> app-layer factory -> TLS session), with a
/// recording consumer in place of the HTTP sessions so the plaintext itself is checked: the Wireshark conformance
/// captures, the pcapng with a Decryption Secrets Block, and every labelled flow of the shared all.pcap.
/// </summary>
public sealed partial class TlsDecryptionPipelineTests
{
    private static readonly byte[] s_http2Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    [Theory]
    [InlineData("illustrated-tls13")] // TLS 1.3, TLS_AES_256_GCM_SHA384
    [InlineData("illustrated-tls12")] // TLS 1.2, ECDHE_RSA_WITH_AES_128_CBC_SHA
    public void WiresharkConformance_DecryptsToPingPong(string name)
    {
        var run = Run(SharedInputs.Conformance($"wireshark/{name}/capture.pcap"), File.ReadAllBytes(SharedInputs.Conformance($"wireshark/{name}/keylog.txt")));

        var tls = Assert.Single(run.Sink.Events.OfType<TlsEvent>());
        Assert.True(tls.Decrypted);
        var inner = Assert.Single(run.Inners);
        Assert.Equal("ping", Encoding.ASCII.GetString(inner.Bytes(Direction.ToServer)));
        Assert.Equal("pong", Encoding.ASCII.GetString(inner.Bytes(Direction.ToClient)));
        Assert.NotNull(inner.End(Direction.ToServer));
        Assert.NotNull(inner.End(Direction.ToClient));
        Assert.Empty(inner.Violations);
        Assert.Empty(run.Sink.Anomalies);
    }

    [Theory]
    [InlineData("illustrated-tls13")]
    [InlineData("illustrated-tls12")]
    public void WithoutKeys_TheFlowIsMetadataOnly_AndQuiet(string name)
    {
        var run = Run(SharedInputs.Conformance($"wireshark/{name}/capture.pcap"), keyLog: null);

        Assert.False(Assert.Single(run.Sink.Events.OfType<TlsEvent>()).Decrypted);
        Assert.Empty(run.Inners);
        Assert.Empty(run.Sink.Anomalies);
    }

    [Theory]
    [InlineData("illustrated-tls13")]
    [InlineData("illustrated-tls12")]
    public void WrongKeys_GiveOneDecryptFailedAnomaly_AndDecryptedFalse(string name)
    {
        // Same labels and randoms, every secret's last hex digit changed.
        var wrong = string.Join('\n', File.ReadLines(SharedInputs.Conformance($"wireshark/{name}/keylog.txt"))
            .Select(l => l.Length > 0 ? l[..^1] + (l[^1] == '0' ? '1' : '0') : l));

        var run = Run(SharedInputs.Conformance($"wireshark/{name}/capture.pcap"), Encoding.ASCII.GetBytes(wrong));

        Assert.False(Assert.Single(run.Sink.Events.OfType<TlsEvent>()).Decrypted);
        Assert.Single(run.Sink.AnomaliesOf(AnomalyKind.TlsDecryptFailed));
        Assert.All(run.Inners, i => Assert.Empty(i.Bytes(Direction.ToServer)));
    }

    [Fact]
    public void Tls13KeyLogWithoutTheApplicationSecrets_IsCountedAsIncomplete()
    {
        var partial = string.Join('\n', File.ReadLines(SharedInputs.Conformance("wireshark/illustrated-tls13/keylog.txt")).Where(l => !l.StartsWith("SERVER_TRAFFIC_SECRET_0", StringComparison.Ordinal)));

        var run = Run(SharedInputs.Conformance("wireshark/illustrated-tls13/capture.pcap"), Encoding.ASCII.GetBytes(partial));

        Assert.False(Assert.Single(run.Sink.Events.OfType<TlsEvent>()).Decrypted);
        Assert.Single(run.Sink.AnomaliesOf(AnomalyKind.TlsDecryptKeysIncomplete));
        Assert.Empty(run.Inners);
    }

    [Fact]
    public void PcapNgDecryptionSecretsBlock_LoadsKeys_ForTheTcpFlowAfterIt()
    {
        // Chrome to cloudflare-quic.com: the secrets block carries the keys of its TLS 1.3 (AES-128-GCM) TCP connection and of
        // the QUIC connection. QUIC 1-RTT decryption is not in scope; the TCP flow must decrypt to HTTP/2.
        var run = Run(SharedInputs.Conformance("ja4/pcap/chrome-cloudflare-quic-with-secrets.pcapng"), keyLog: null);

        Assert.True(run.Keys.Sessions >= 1);
        var tls = Assert.Single(run.Sink.Events.OfType<TlsEvent>());
        Assert.True(tls.Decrypted);
        Assert.Equal("0x1301", tls.CipherSuite);
        var inner = Assert.Single(run.Inners);
        Assert.Equal("h2", run.Alpns[inner]);
        Assert.True(inner.Bytes(Direction.ToServer).AsSpan().StartsWith(s_http2Preface));
        Assert.NotEmpty(inner.Bytes(Direction.ToClient));
        Assert.DoesNotContain(run.Sink.Anomalies, a => AnomalyNames.Layer(a.Kind) == "tls");
    }

    [Fact]
    public void AllPcap_EveryDecryptableFlowDecryptsToItsHttpVersion_AndWithheldFlowsStayQuiet()
    {
        var run = Run(SharedInputs.Pcap("all.pcap"), File.ReadAllBytes(SharedInputs.Pcap("all.keys.log")));
        using var labels = JsonDocument.Parse(File.ReadAllText(SharedInputs.Pcap("labels.json")));
        var tlsByTuple = run.Sink.Events.OfType<TlsEvent>().GroupBy(e => Tuple(e.Flow!)).ToDictionary(g => g.Key, g => g.ToList());
        var innerByTuple = run.Inners.ToDictionary(i => Tuple(i.Flow!));
        var anomalyTuples = run.Sink.Anomalies.Where(a => a.Flow is not null).Select(a => Tuple(a.Flow!)).ToHashSet();
        int decryptable = 0, withheld = 0;

        foreach (var flow in labels.RootElement.GetProperty("flows").EnumerateArray())
        {
            if (!flow.GetProperty("encrypted").GetBoolean())
            {
                continue;
            }

            var tuple = flow.GetProperty("five_tuple").GetString()!;
            var tls = Assert.Single(tlsByTuple[tuple]);
            if (flow.GetProperty("keys_withheld").GetBoolean())
            {
                withheld++;
                Assert.False(tls.Decrypted, tuple);
                Assert.DoesNotContain(tuple, innerByTuple.Keys);
                Assert.DoesNotContain(tuple, anomalyTuples);
                continue;
            }

            Assert.True(flow.GetProperty("decryptable_with_keylog").GetBoolean(), tuple);
            decryptable++;
            Assert.True(tls.Decrypted, tuple);
            var versions = flow.GetProperty("http_versions").EnumerateArray().Select(v => v.GetString()).ToList();
            if (versions.Count == 0)
            {
                continue; // a pooled connection that finished its handshake and was never used
            }

            var inner = innerByTuple[tuple];
            var toServer = inner.Bytes(Direction.ToServer);
            var toClient = Encoding.ASCII.GetString(inner.Bytes(Direction.ToClient));
            Assert.Empty(inner.Violations);
            if (versions.Contains("2.0"))
            {
                Assert.True(toServer.AsSpan().StartsWith(s_http2Preface), tuple);
                Assert.Equal("h2", run.Alpns[inner]);
            }
            else
            {
                Assert.Matches(RequestLine(), Encoding.ASCII.GetString(toServer));
                Assert.StartsWith("HTTP/1.1 ", toClient, StringComparison.Ordinal);
            }

            var alpn = flow.GetProperty("tls").GetProperty("alpn_selected");
            if (alpn.ValueKind == JsonValueKind.String)
            {
                Assert.Equal(alpn.GetString(), run.Alpns[inner]);
            }
        }

        Assert.Equal(71, decryptable);
        Assert.Equal(6, withheld);
        Assert.DoesNotContain(run.Sink.Anomalies, a => a.Kind >= AnomalyKind.TlsDecryptFailed);
    }

    [Fact]
    public void AGapInOneDirection_ReachesTheInnerConsumer_AndStopsOnlyThatDirection()
    {
        var connection = CaptureStreams.Tcp(SharedInputs.Conformance("wireshark/illustrated-tls13/capture.pcap"))[0];
        var keys = new TlsKeyStore();
        keys.AddKeyLog(File.ReadAllBytes(SharedInputs.Conformance("wireshark/illustrated-tls13/keylog.txt")));
        var inners = new List<RecordingConsumer>();
        var recorder = new EventRecorder();
        var consumer = new AppLayerFactory(recorder.Context, decryption: new TlsDecryption(keys, (flow, _, _) => Add(inners, new RecordingConsumer(flow))))
            .CreateConsumer(EventRecorder.Flow(443))!;
        var serverFlight = CaptureStreams.FirstHelloRecords(connection.ToClient);
        var lastServerRecord = LastRecordStart(connection.ToClient);

        consumer.OnData(Direction.ToServer, new ReadOnlySequence<byte>(CaptureStreams.FirstHelloRecords(connection.ToServer)));
        consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>(connection.ToClient[..lastServerRecord]));
        consumer.OnData(Direction.ToServer, new ReadOnlySequence<byte>(connection.ToServer[CaptureStreams.FirstHelloRecords(connection.ToServer).Length..]));
        consumer.OnGap(Direction.ToClient, 10);
        consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>(connection.ToClient[lastServerRecord..]));
        consumer.OnEnd(Direction.ToServer, EndReason.Fin);
        consumer.OnEnd(Direction.ToClient, EndReason.Fin);

        Assert.True(serverFlight.Length < lastServerRecord);
        var inner = Assert.Single(inners);
        Assert.Equal("ping", Encoding.ASCII.GetString(inner.Bytes(Direction.ToServer)));
        Assert.Equal([10L], inner.Gaps(Direction.ToClient));
        Assert.Empty(inner.Gaps(Direction.ToServer));
        Assert.Equal(EndReason.Fin, inner.End(Direction.ToClient));
        Assert.Empty(recorder.Anomalies);
    }

    private static RecordingConsumer Add(List<RecordingConsumer> list, RecordingConsumer consumer)
    {
        list.Add(consumer);
        return consumer;
    }

    /// <summary>Where the last TLS record of a direction starts.</summary>
    private static int LastRecordStart(byte[] stream)
    {
        int at = 0, last = 0;
        while (at + 5 <= stream.Length)
        {
            last = at;
            at += 5 + ((stream[at + 3] << 8) | stream[at + 4]);
        }

        return last;
    }

    private static string Tuple(FlowIdentity flow) => $"tcp {Endpoint(flow.Source, flow.SourcePort)} -> {Endpoint(flow.Destination, flow.DestinationPort)}";

    private static string Endpoint(IPAddress address, ushort port) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    [GeneratedRegex(@"^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ HTTP/1\.1\r\n")]
    private static partial Regex RequestLine();

    private sealed record PipelineRun(RecordingSink Sink, List<RecordingConsumer> Inners, Dictionary<RecordingConsumer, string?> Alpns, TlsKeyStore Keys);

    /// <summary>Reads a capture through the engine as <c>sensor analyze</c> does (secrets blocks included), recording the plaintext consumers.</summary>
    private static PipelineRun Run(string capture, byte[]? keyLog)
    {
        var keys = new TlsKeyStore();
        if (keyLog is not null)
        {
            keys.AddKeyLog(keyLog);
        }

        var inners = new List<RecordingConsumer>();
        var alpns = new Dictionary<RecordingConsumer, string?>();
        var decryption = new TlsDecryption(keys, (flow, _, alpn) =>
        {
            var inner = Add(inners, new RecordingConsumer(flow));
            alpns[inner] = alpn;
            return inner;
        });
        var sink = new RecordingSink();
        var processor = new PacketProcessor(new EngineOptions(), sink, null, context => new AppLayerFactory(context, decryption: decryption));
        using (var source = CaptureFile.Open(capture, out var error))
        {
            Assert.True(source is not null, error);
            AnalyzeCommand.Pump(source, processor, null, 0, keys);
        }

        processor.Finish();
        return new PipelineRun(sink, inners, alpns, keys);
    }
}
