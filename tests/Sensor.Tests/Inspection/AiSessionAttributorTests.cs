using System.Buffers;
using System.Net;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Inspection.Attribution;
using Sensor.Inspection.Catalog;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Dns;
using Sensor.Sessions.Quic;
using Sensor.Tests.Protocols.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Inspection;

/// <summary>Attribution of sessions to AI vendors: sessions write through the attributor, as the host wires it.</summary>
public sealed class AiSessionAttributorTests
{
    private static readonly Lazy<AiCatalog> s_catalog = new(() => AiCatalog.Load([SharedInputs.ShippedCatalog], [])!);

    [Fact]
    public void CopilotPlanHosts_GiveTheirTenant_FromTheSni()
    {
        var connections = CaptureStreams.Tcp(SharedInputs.Pcap("r_copilot_plan_hosts.pcap"));
        var results = connections.Select(c => Play(c.ToServer, c.ToClient).Ai.SingleOrDefault()).ToList();

        var attributed = results.Where(a => a is not null).Select(a => (a!.Host, a.Vendor, a.Tenant, string.Join(",", a.Basis), a.Plan)).ToList();
        Assert.Equal(
            [
                ("api.individual.githubcopilot.com", "github-copilot", "personal", "sni:copilot-plan", "individual"),
                ("api.business.githubcopilot.com", "github-copilot", "enterprise", "sni:copilot-plan", "business"),
                ("api.enterprise.githubcopilot.com", "github-copilot", "enterprise", "sni:copilot-plan", "enterprise"),
            ],
            attributed);
        Assert.Equal(3, results.Count(a => a is null)); // the api.github.com token exchanges are not AI sessions
    }

    [Fact]
    public void UsedConnection_IsAttributed_WithTheJa4Client_AndTheAiEventPrecedesTheFlowEvent()
    {
        var run = Play(TlsConversationBytes.ToServer, TlsConversationBytes.ToClient);

        var ai = Assert.Single(run.Ai);
        Assert.Equal(("anthropic", "api", "ai-api", "sni", "unknown"), (ai.Vendor, ai.Service, ai.ServiceKind, ai.HostSource, ai.Tenant));
        Assert.Equal("Node.js (undici fetch, OpenSSL 3)", ai.Client);
        Assert.Empty(ai.Basis);
        Assert.Null(ai.Confidence);
        Assert.Equal(["tls", "ai", "flow"], run.Events.Select(e => e.EventType));
    }

    [Fact]
    public void PooledConnectionThatNeverSentData_IsNotAnAiSession()
    {
        var hello = CaptureStreams.FirstHelloRecords(TlsConversationBytes.ToServer);
        var server = CaptureStreams.FirstHelloRecords(TlsConversationBytes.ToClient);

        var run = Play(hello, server);

        Assert.Empty(run.Ai);
        Assert.Single(run.Events.OfType<Sensor.Sessions.Tls.TlsEvent>());
    }

    [Fact]
    public void DohResolverInTheSni_IsAPolicyFinding()
    {
        var hello = new ClientHelloBuilder { Ciphers = [0x1301] }
            .Extension(0x0000, ClientHelloBuilder.Sni("dns.google"))
            .Extension(0x002B, ClientHelloBuilder.Versions(0x0304));

        var run = Play(TlsBytes.Records(hello.Message()), []);

        var finding = Assert.Single(run.Events.OfType<FindingEvent>());
        Assert.Equal(("doh-resolver", "policy", "dns_over_https", "tls.sni", "dns.google"), (finding.Detector, finding.Category, finding.Type, finding.Location, finding.Host));
        Assert.Empty(run.Ai);
    }

    [Fact]
    public void PlaintextFlow_IsAttributedByTheDnsNameOfItsServer()
    {
        var names = new DnsNameCache();
        names.Add([198, 51, 100, 20], "api.openai.com");
        var recorder = new EventRecorder();
        var attributor = new AiSessionAttributor(s_catalog.Value, names, recorder);

        attributor.Write(FlowEnd(EventRecorder.Flow(80), payloadToServer: 300));
        attributor.Write(FlowEnd(EventRecorder.Flow(80, flowId: 2), payloadToServer: 0)); // no request: no session

        var ai = Assert.Single(recorder.Of<AiEvent>());
        Assert.Equal(("openai", "api.openai.com", "dns"), (ai.Vendor, ai.Host, ai.HostSource));
    }

    [Fact]
    public void QuicSession_IsAttributedByItsSni()
    {
        var recorder = new EventRecorder();
        var attributor = new AiSessionAttributor(s_catalog.Value, new DnsNameCache(), recorder);
        var flow = EventRecorder.Flow(443, protocol: 17);

        attributor.Write(new QuicEvent(1, flow) { Version = "1", Sni = "gemini.google.com", Ja4 = "q13d0311h3_55b375c5d22e_cd85d2d88918" });
        attributor.Write(FlowEnd(flow, payloadToServer: 5000));

        var ai = Assert.Single(recorder.Of<AiEvent>());
        Assert.Equal(("google", "gemini-web", "sni"), (ai.Vendor, ai.Service, ai.HostSource));
    }

    [Fact]
    public void UnknownMcpHost_IsAnMcpSessionOfVendorUnknown()
    {
        var hello = new ClientHelloBuilder { Ciphers = [0x1301] }.Extension(0x0000, ClientHelloBuilder.Sni("calendar-mcp.acmecorp.com"));
        var run = Play(TlsBytes.Records(hello.Message()), [], clientData: TlsBytes.Record(23, new byte[64]));

        var ai = Assert.Single(run.Ai);
        Assert.Equal(("unknown", "mcp", true), (ai.Vendor, ai.ServiceKind, ai.Mcp));
    }

    private static readonly Lazy<TcpConnection> s_anthropic = new(() => CaptureStreams.Tcp(SharedInputs.Pcap("a_anthropic_enterprise.pcap"))[0]);

    private static TcpConnection TlsConversationBytes => s_anthropic.Value;

    private sealed record Run(IReadOnlyList<SensorEvent> Events)
    {
        public IReadOnlyList<AiEvent> Ai => [.. Events.OfType<AiEvent>()];
    }

    /// <summary>One TCP connection through the probing consumer into the attributor, then its flow event.</summary>
    private static Run Play(byte[] toServer, byte[] toClient, byte[]? clientData = null)
    {
        var recorder = new EventRecorder();
        var attributor = new AiSessionAttributor(s_catalog.Value, new DnsNameCache(), recorder);
        var context = new StreamContext(attributor, new AnomalyReporter(attributor, new SensorCounters()), new PacketClock());
        var flow = EventRecorder.Flow(443);
        var consumer = new AppLayerFactory(context).CreateConsumer(flow)!;

        var hello = CaptureStreams.FirstHelloRecords(toServer);
        consumer.OnData(Direction.ToServer, new ReadOnlySequence<byte>(hello));
        if (toClient.Length > 0)
        {
            consumer.OnData(Direction.ToClient, new ReadOnlySequence<byte>(toClient));
        }

        consumer.OnData(Direction.ToServer, new ReadOnlySequence<byte>([.. toServer[hello.Length..], .. clientData ?? []]));
        consumer.OnEnd(Direction.ToServer, EndReason.Fin);
        consumer.OnEnd(Direction.ToClient, EndReason.Fin);
        attributor.Write(FlowEnd(flow, payloadToServer: toServer.Length));
        return new Run(recorder.Events);
    }

    private static FlowEvent FlowEnd(FlowIdentity flow, long payloadToServer) =>
        new(2, flow) { State = "closed", Reason = "fin", PayloadBytesToServer = payloadToServer, EndMicros = 2 };
}
