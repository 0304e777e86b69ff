using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Tenancy.Configuration;
using Sensor.Tenancy.Explicit;
using Sensor.Tenancy.Features;
using Sensor.Tenancy.Model;
using Sensor.Tenancy.Policy;

namespace Sensor.Tenancy.Sessions;

/// <summary>
/// One worker's tenant attribution. As an <see cref="IHttpObserver"/> it gives every request its verdict
/// (<see cref="HttpExchange.TenantVerdict"/>, before the <c>http</c> event is written) and collects per-flow
/// features; as an <see cref="ITenantAttribution"/> it decides each AI session at its end: explicit evidence from
/// the requests, else the SPAN-visible hint, else a corporate host, else the model, else unknown.
/// Compose it after the observers that fill <see cref="HttpExchange.Evidence"/> and <see cref="HttpExchange.Credential"/>.
/// </summary>
public sealed class TenantAttribution : IHttpObserver, ITenantAttribution
{
    /// <summary>
    /// Flows with tenant state at once. State exists only for flows with HTTP exchanges and goes at flow end
    /// (<see cref="Forget"/>), so the flow table's own cap bounds it; this is the backstop: 2^18 is above the
    /// default flow table's 128 MiB / ~1 KiB per flow.
    /// </summary>
    public const int MaxTrackedFlows = 1 << 18;

    private readonly TenantPolicy _policy;
    private readonly TenantModel? _model;
    private readonly Dictionary<long, FlowTenancy> _flows = new();

    public TenantAttribution(TenantPolicy policy, TenantModel? model = null)
    {
        _policy = policy;
        _model = model;
    }

    /// <summary>Where cap anomalies go: the worker's reporter, set when the worker's context exists.</summary>
    public AnomalyReporter? Anomalies { get; set; }

    /// <summary>Receives one feature row per AI session (<c>sensor analyze --features</c>); null: none written.</summary>
    public Action<TenantFeatures>? FeatureRows { get; set; }

    public int TrackedFlows => _flows.Count;

    public void OnRequestHeaders(HttpExchange exchange)
    {
        if (State(exchange) is { } state && exchange.RequestHeaders.Get("user-agent") is { } agent)
        {
            state.UserAgent ??= agent;
        }
    }

    public void OnResponseComplete(HttpExchange exchange, bool ended)
    {
        if (State(exchange) is not { } state)
        {
            return;
        }

        var verdict = ExchangeRules.Decide(exchange, _policy);
        exchange.TenantVerdict = verdict;
        state.Requests++;
        state.Host ??= exchange.Host;
        switch (verdict.Tenant)
        {
            case TenantVerdict.Enterprise:
                state.Enterprise++;
                Collect(state, state.EnterpriseBasis, state.EnterpriseIds, verdict);
                break;
            case TenantVerdict.Personal:
                state.Personal++;
                Collect(state, state.PersonalBasis, state.PersonalIds, verdict);
                break;
            default:
                state.Unknown++;
                break;
        }

        SessionFeatureExtractor.ObserveExchange(state, exchange, _policy);
        if (exchange.Credential is { } credential && _policy.HasCredentialList && !_policy.Credentials.ContainsKey(credential.Sha256Hex))
        {
            if (state.Unsanctioned.TryGetValue(credential.Sha256Hex, out var seen))
            {
                state.Unsanctioned[credential.Sha256Hex] = seen with { Count = seen.Count + 1 };
            }
            else if (state.Unsanctioned.Count < FlowTenancy.MaxDistinctPerFlow)
            {
                state.Unsanctioned[credential.Sha256Hex] = (credential.FormatPrefix, credential.Location, 1);
            }
        }

        if (state.CapReached)
        {
            Anomalies?.Report(AnomalyKind.TenancyEvidenceCap, exchange.ResponseMicros, exchange.Flow);
        }
    }

    public SessionTenancy Decide(AiSessionFacts facts, IEventSink findings)
    {
        _flows.Remove(facts.Flow.FlowId, out var state);
        var (verdict, ids) = Combine(facts, state);
        // Features are built only for the model or the --features export: most sessions need neither.
        var features = (!verdict.Decided && _model is not null) || FeatureRows is not null ? SessionFeatureExtractor.Extract(facts, state, _policy) : null;
        if (!verdict.Decided && _model is not null)
        {
            var personal = _model.ProbabilityPersonal(features!);
            var isPersonal = personal >= _policy.Threshold;
            verdict = new TenantVerdict(isPersonal ? TenantVerdict.Personal : TenantVerdict.Enterprise, null, ["ml"], Math.Round(isPersonal ? personal : 1 - personal, 4));
        }

        if (features is not null && FeatureRows is not null)
        {
            features.Verdict = verdict.Tenant;
            features.Basis = string.Join(";", verdict.Basis);
            features.TenantId = verdict.TenantId ?? "";
            features.Confidence = (float)(verdict.Confidence ?? 0);
            FeatureRows(features);
        }

        TenantFindings.Write(facts, state, verdict, _policy, findings);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [TenantVerdict.Enterprise] = state?.Enterprise ?? 0,
            [TenantVerdict.Personal] = state?.Personal ?? 0,
            [TenantVerdict.Unknown] = state?.Unknown ?? 0,
        };
        return new SessionTenancy(verdict, counts) { Model = state?.Model, TenantIds = ids };
    }

    public void Forget(long flowId) => _flows.Remove(flowId);

    /// <summary>Requests' verdicts first (explicit, from the payload), then the SPAN hint, then a corporate host.</summary>
    private (TenantVerdict Verdict, IReadOnlyList<string> Ids) Combine(AiSessionFacts facts, FlowTenancy? state)
    {
        if (state is { Enterprise: > 0 } or { Personal: > 0 })
        {
            List<string> ids = [.. state.EnterpriseIds, .. state.PersonalIds.Where(id => !state.EnterpriseIds.Contains(id))];
            if (state.Personal == 0)
            {
                return (new TenantVerdict(TenantVerdict.Enterprise, state.EnterpriseIds.FirstOrDefault(), state.EnterpriseBasis, 1.0), ids);
            }

            if (state.Enterprise == 0)
            {
                return (new TenantVerdict(TenantVerdict.Personal, state.PersonalIds.FirstOrDefault(), state.PersonalBasis, 1.0), ids);
            }

            var basis = state.PersonalBasis.Concat(state.EnterpriseBasis).Distinct(StringComparer.Ordinal).ToList();
            return (new TenantVerdict(TenantVerdict.Mixed, state.PersonalIds.FirstOrDefault(), basis, 1.0), ids);
        }

        if (facts.Hint is { Decided: true } hint)
        {
            return (hint, hint.TenantId is null ? [] : [hint.TenantId]);
        }

        if (_policy.IsCorporateHost(facts.Host))
        {
            return (new TenantVerdict(TenantVerdict.Enterprise, null, [ExchangeRules.BasisCorporateHost], 1.0), []);
        }

        return (TenantVerdict.None, []);
    }

    private static void Collect(FlowTenancy state, List<string> bases, List<string> ids, TenantVerdict verdict)
    {
        foreach (var basis in verdict.Basis)
        {
            state.AddDistinct(bases, basis);
        }

        if (verdict.TenantId is { } id)
        {
            state.AddDistinct(ids, id);
        }
    }

    private FlowTenancy? State(HttpExchange exchange)
    {
        if (_flows.TryGetValue(exchange.Flow.FlowId, out var state))
        {
            return state;
        }

        if (_flows.Count >= MaxTrackedFlows)
        {
            Anomalies?.Report(AnomalyKind.TenancyTrackedFlowsCap, exchange.RequestMicros, exchange.Flow);
            return null;
        }

        state = new FlowTenancy();
        _flows[exchange.Flow.FlowId] = state;
        return state;
    }
}
