using System.Net;
using System.Net.Sockets;
using Sensor.Core.Payloads;
using Sensor.Tenancy.Configuration;
using Sensor.Tenancy.Explicit;
using Sensor.Tenancy.Sessions;

namespace Sensor.Tenancy.Features;

/// <summary>Turns a session (SPAN-visible facts plus what its exchanges showed) into one <see cref="TenantFeatures"/> row.</summary>
internal static class SessionFeatureExtractor
{
    /// <summary>Per request: client app, credential kinds, plan and account hints, tenant-restriction header.</summary>
    public static void ObserveExchange(FlowTenancy state, HttpExchange exchange, TenantPolicy policy)
    {
        if (exchange.Credential is { } credential)
        {
            state.AddDistinct(state.AuthKinds, credential.Kind);
            state.AddDistinct(state.KeyPrefixes, credential.FormatPrefix);
        }

        state.Model = exchange.AiCall?.Model ?? state.Model;
        if (!state.Mcp)
        {
            state.Mcp = exchange.RequestHeaders.Contains("mcp-session-id") || exchange.RequestHeaders.Contains("mcp-protocol-version");
        }
        if (ExchangeRules.HasRestrictionHeader(exchange))
        {
            state.WithRestrictionHeader++;
        }
        else
        {
            state.WithoutRestrictionHeader++;
        }

        foreach (var evidence in exchange.Evidence)
        {
            switch (evidence.Kind)
            {
                case "plan" or "plan_host":
                    state.PlanHint = PlanNames.TenantOf(evidence.Value) ?? state.PlanHint;
                    break;
                case "email" or "account_email":
                    var at = evidence.Value.LastIndexOf('@');
                    var domain = at >= 0 ? evidence.Value[(at + 1)..] : evidence.Value;
                    state.EmailDomainKind = policy.IsCorporateHost(domain) ? "corporate" : "other";
                    break;
                case "org_name":
                    state.OrgNameKind = IsIndividualOrgName(evidence.Value) ? "individual" : "named";
                    break;
            }
        }
    }

    public static TenantFeatures Extract(AiSessionFacts facts, FlowTenancy? state, TenantPolicy policy)
    {
        var flow = facts.Flow;
        var durationMs = Math.Max(0, facts.EndMicros - facts.StartMicros) / 1000.0;
        return new TenantFeatures
        {
            FlowId = flow.FlowId,
            CommunityId = flow.CommunityId,
            FiveTuple = FiveTuple(flow),
            StartMicros = facts.StartMicros,
            Host = facts.Host,
            HostSource = facts.HostSource,
            Ja4 = facts.Ja4 ?? "",
            Vendor = facts.Vendor,
            Service = facts.Service,
            ServiceKind = facts.ServiceKind,
            Client = facts.Client ?? "none",
            ClientApp = ClientApp(state?.UserAgent),
            AuthKind = state is { AuthKinds.Count: > 0 } ? string.Join("+", state.AuthKinds.Order(StringComparer.Ordinal)) : "none",
            KeyKind = state is { KeyPrefixes.Count: > 0 } ? string.Join("+", state.KeyPrefixes.Select(KeyKinds.Of).Distinct().Order(StringComparer.Ordinal)) : "none",
            PlanHint = state?.PlanHint ?? (facts.Hint is { Decided: true } hint ? hint.Tenant : "none"),
            EmailDomain = state?.EmailDomainKind ?? "none",
            OrgNameKind = state?.OrgNameKind ?? "none",
            RestrictionHeader = state is null || state.Requests == 0 ? "unseen" : state.WithRestrictionHeader > 0 ? "present" : "absent",
            Alpn = facts.Alpn ?? "none",
            SourceNet = SourceNet(flow.Source),
            LogBytesToServer = (float)Math.Log(1 + facts.BytesToServer),
            LogBytesToClient = (float)Math.Log(1 + facts.BytesToClient),
            LogDurationMs = (float)Math.Log(1 + durationMs),
            LogRequests = (float)Math.Log(1 + (state?.Requests ?? 0)),
            PayloadVisible = state is { Requests: > 0 } ? 1 : 0,
            Mcp = state?.Mcp == true || facts.ServiceKind.Contains("mcp", StringComparison.Ordinal) ? 1 : 0,
        };
    }

    /// <summary>The labels' five-tuple form: <c>tcp 127.0.0.1:51036 -> 127.10.1.23:443</c>, IPv6 in brackets.</summary>
    public static string FiveTuple(Sensor.Core.Events.FlowIdentity flow)
    {
        static string Endpoint(IPAddress address, ushort port) =>
            address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

        return $"{flow.ProtocolName.ToLowerInvariant()} {Endpoint(flow.Source, flow.SourcePort)} -> {Endpoint(flow.Destination, flow.DestinationPort)}";
    }

    /// <summary>The User-Agent's first product token without its version: <c>claude-cli</c>, <c>OpenAI/JS</c>, <c>curl</c>.</summary>
    internal static string ClientApp(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "none";
        }

        var token = userAgent.Trim().Split(' ', 2)[0];
        var slash = token.LastIndexOf('/');
        // "OpenAI/JS 6.30.1" keeps its "/JS"; "curl/7.88.1" drops the version.
        if (slash > 0 && slash + 1 < token.Length && char.IsDigit(token[slash + 1]))
        {
            token = token[..slash];
        }

        return token.Length > 40 ? token[..40] : token;
    }

    private static bool IsIndividualOrgName(string name) =>
        name.Contains("Individual Org", StringComparison.OrdinalIgnoreCase) || name.EndsWith("'s Organization", StringComparison.OrdinalIgnoreCase) || name.Contains('@', StringComparison.Ordinal);

    private static string SourceNet(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes.Length == 4
            ? $"{bytes[0]}.{bytes[1]}.{bytes[2]}.0/24"
            : $"{new IPAddress([.. bytes[..6], .. new byte[10]])}/48";
    }
}
