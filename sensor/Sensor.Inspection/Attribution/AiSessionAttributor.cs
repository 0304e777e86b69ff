using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Inspection.Catalog;
using Sensor.Sessions.Dns;
using Sensor.Sessions.Quic;
using Sensor.Sessions.Tls;

namespace Sensor.Inspection.Attribution;

/// <summary>
/// Attributes flows to AI vendors from what is visible without decryption, and writes one <c>ai</c> event per
/// AI or MCP session just before its <c>flow</c> event. The host comes from the TLS SNI or, when there is none
/// (plaintext, ECH, clients that skip SNI), from the DNS answer that resolved the server's address.
/// Sits in the event path as a decorator: it sees the session events, passes every event on unchanged.
/// </summary>
public sealed class AiSessionAttributor : IEventSink
{
    private readonly AiCatalog _catalog;
    private readonly DnsNameCache _names;
    private readonly IEventSink _inner;
    private readonly Dictionary<long, TlsEvent> _handshakes = new();
    private readonly Dictionary<long, QuicEvent> _quic = new();
    private readonly ITenantAttribution? _tenancy;

    /// <param name="tenancy">Tenant attribution (classifiers/Sensor.Tenancy); without it the tenant is the catalog hint or unknown.</param>
    public AiSessionAttributor(AiCatalog catalog, DnsNameCache names, IEventSink inner, ITenantAttribution? tenancy = null)
    {
        _catalog = catalog;
        _names = names;
        _inner = inner;
        _tenancy = tenancy;
    }

    public void Write(SensorEvent sensorEvent)
    {
        switch (sensorEvent)
        {
            case TlsEvent tls when tls.Flow is not null:
                _handshakes[tls.Flow.FlowId] = tls;
                break;
            case QuicEvent quic when quic.Flow is not null:
                _quic[quic.Flow.FlowId] = quic;
                break;
            case FlowEvent flow when flow.Flow is { } identity:
                _handshakes.Remove(identity.FlowId, out var handshake);
                _quic.Remove(identity.FlowId, out var quicHello);
                if ((handshake?.Sni ?? quicHello?.Sni) is { } name && _catalog.IsDohResolver(name))
                {
                    _inner.Write(DohFinding(flow, identity, name, quicHello is not null));
                }

                if ((quicHello is not null ? AttributeQuic(flow, identity, quicHello) : Attribute(flow, identity, handshake)) is { } ai)
                {
                    _inner.Write(ai);
                }

                _tenancy?.Forget(identity.FlowId);

                break;
        }

        _inner.Write(sensorEvent);
    }

    public void Flush() => _inner.Flush();

    private AiEvent? Attribute(FlowEvent flow, FlowIdentity identity, TlsEvent? handshake)
    {
        if (identity.Protocol != 6)
        {
            return null;
        }

        // A connection a client pool opened and never used carries no AI session (and no request to attribute).
        var used = handshake?.Traffic is { } traffic ? traffic.ClientSentData(handshake.Version == "TLS 1.3") : flow.PayloadBytesToServer > 0;
        if (!used)
        {
            return null;
        }

        var (host, source) = Host(handshake?.Sni, identity);
        if (host is null || _catalog.Lookup(host) is not { IsAiSession: true } entry)
        {
            return null;
        }

        return Build(flow, identity, host, source, entry, handshake?.Ja4, handshake?.ServerAlpn, handshake?.Version);
    }

    /// <summary>DNS over HTTPS to a public resolver: the DNS answers that attribute flows are hidden from the sensor.</summary>
    private static FindingEvent DohFinding(FlowEvent flow, FlowIdentity identity, string host, bool quic) => new(flow.EndMicros, identity)
    {
        Detector = "doh-resolver",
        Category = "policy",
        Type = "dns_over_https",
        Severity = "low",
        Direction = "to_server",
        Location = quic ? "quic.sni" : "tls.sni",
        Host = host,
    };

    private AiEvent? AttributeQuic(FlowEvent flow, FlowIdentity identity, QuicEvent hello)
    {
        var (host, source) = Host(hello.Sni, identity);
        return host is not null && _catalog.Lookup(host) is { IsAiSession: true } entry ? Build(flow, identity, host, source, entry, hello.Ja4, hello.Alpns.Count > 0 ? hello.Alpns[0] : null, "QUIC") : null;
    }

    /// <summary>The server's name: the SNI, else the DNS name its address was resolved from.</summary>
    private (string? Host, string Source) Host(string? sni, FlowIdentity identity) =>
        sni is not null ? (sni, "sni") : (_names.Lookup(identity.Destination), "dns");

    private AiEvent Build(FlowEvent flow, FlowIdentity identity, string host, string source, CatalogEntry entry, string? ja4, string? alpn, string? tlsVersion)
    {
        var hint = _catalog.TenantHintFor(host);
        var client = ja4 is not null ? _catalog.ClientForJa4(ja4) : null;
        if (_tenancy is not null)
        {
            var facts = new AiSessionFacts(identity, entry.Vendor, entry.Service, entry.Kind, host, source)
            {
                Client = client?.Client,
                Ja4 = ja4,
                Alpn = alpn,
                TlsVersion = tlsVersion,
                Hint = hint is null ? null : new TenantVerdict(hint.Tenant, null, [hint.Basis], 1.0),
                Plan = hint?.Plan,
                BytesToServer = flow.BytesToServer,
                BytesToClient = flow.BytesToClient,
                PacketsToServer = flow.PacketsToServer,
                PacketsToClient = flow.PacketsToClient,
                StartMicros = flow.StartMicros,
                EndMicros = flow.EndMicros,
            };
            var decided = _tenancy.Decide(facts, _inner);
            return new AiEvent(flow.EndMicros, identity)
            {
                Vendor = entry.Vendor,
                VendorName = entry.VendorName,
                Service = entry.Service,
                ServiceKind = entry.Kind,
                Mcp = entry.IsMcp,
                Host = host,
                HostSource = source,
                Client = client?.Client,
                Tenant = decided.Verdict.Tenant,
                TenantId = decided.Verdict.TenantId,
                TenantIds = decided.TenantIds,
                Basis = decided.Verdict.Basis,
                Confidence = decided.Verdict.Confidence,
                RequestTenants = decided.RequestTenants,
                Plan = hint?.Plan,
                Model = decided.Model,
            };
        }

        return new AiEvent(flow.EndMicros, identity)
        {
            Vendor = entry.Vendor,
            VendorName = entry.VendorName,
            Service = entry.Service,
            ServiceKind = entry.Kind,
            Mcp = entry.IsMcp,
            Host = host,
            HostSource = source,
            Client = client?.Client,
            Tenant = hint?.Tenant ?? "unknown",
            Basis = hint is null ? [] : [hint.Basis],
            Confidence = hint is null ? null : 1.0,
            Plan = hint?.Plan,
        };
    }
}
