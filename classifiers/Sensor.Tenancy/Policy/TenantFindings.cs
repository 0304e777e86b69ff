using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Tenancy.Configuration;
using Sensor.Tenancy.Sessions;

namespace Sensor.Tenancy.Policy;

/// <summary>
/// The tenant policy's <c>finding</c> events (category <c>tenant</c>), one of each type per session:
/// AI use in a personal tenant, unsanctioned credentials (by format prefix; the value and its hash never leave
/// memory), and visible sessions that lacked the tenant-restriction header the corporate proxy would have added.
/// </summary>
internal static class TenantFindings
{
    public const string Detector = "tenant-policy";
    public const string Category = "tenant";
    public const string PersonalTenantUse = "personal_tenant_ai_use";
    public const string UnsanctionedCredential = "unsanctioned_credential";
    public const string RestrictionBypass = "tenant_restriction_bypass";

    public static void Write(AiSessionFacts facts, FlowTenancy? state, TenantVerdict verdict, TenantPolicy policy, IEventSink findings)
    {
        if (verdict.Tenant is TenantVerdict.Personal or TenantVerdict.Mixed)
        {
            var byModel = verdict.Basis is ["ml"];
            findings.Write(new FindingEvent(facts.EndMicros, facts.Flow)
            {
                Detector = Detector,
                Category = Category,
                Type = PersonalTenantUse,
                // A model's guess is worth a look, not an alarm.
                Severity = byModel ? "low" : "medium",
                Direction = "to_server",
                Location = verdict.Basis.Count > 0 ? verdict.Basis[0] : "session",
                Count = state?.Personal is > 0 ? state.Personal : 1,
                Host = facts.Host,
            });
        }

        if (state is null)
        {
            return;
        }

        foreach (var (prefix, location, count) in state.Unsanctioned.Values)
        {
            findings.Write(new FindingEvent(facts.EndMicros, facts.Flow)
            {
                Detector = Detector,
                Category = Category,
                Type = UnsanctionedCredential,
                Severity = "medium",
                Direction = "to_server",
                Location = location,
                // The format prefix names the key type; the rest of the value is never kept.
                Redacted = prefix + "…",
                Count = count,
                Host = facts.Host,
            });
        }

        if (policy.RestrictionHeaderFor(facts.Vendor, facts.Service) is { } header && state.WithoutRestrictionHeader > 0)
        {
            findings.Write(new FindingEvent(facts.EndMicros, facts.Flow)
            {
                Detector = Detector,
                Category = Category,
                Type = RestrictionBypass,
                Severity = "high",
                Direction = "to_server",
                Location = "request-header:" + header,
                Count = state.WithoutRestrictionHeader,
                Host = facts.Host,
            });
        }
    }
}
