using Sensor.Core.Payloads;
using Sensor.Tenancy.Configuration;

namespace Sensor.Tenancy.Explicit;

/// <summary>
/// Explicit attribution of one request from what its exchange shows, strongest evidence first:
/// tenant ids the vendor or client stated (matching the config: enterprise; naming another tenant: personal),
/// then the plan, then a tenant-restriction refusal (403 to a request that carried the header), then a host of a
/// corporate domain, then the credential (sanctioned by SHA-256, or any other when the config lists credentials).
/// Nothing of these: <see cref="TenantVerdict.None"/>.
/// </summary>
public static class ExchangeRules
{
    public const string BasisCredentialSanctioned = "credential:sanctioned";
    public const string BasisCredentialUnsanctioned = "credential:unsanctioned";
    public const string BasisRestrictionBlocked = "tenant-restriction:blocked";
    public const string BasisCorporateHost = "host:corporate-domain";

    /// <summary>Request headers a corporate proxy inserts to restrict logins to the enterprise's tenants (pcaps README, q_*).</summary>
    public static readonly string[] RestrictionHeaderNames = ["anthropic-allowed-org-ids", "chatgpt-allowed-workspace-id", "openai-allowed-organization-ids"];

    /// <summary>Id kinds in the order they decide: an organisation match outweighs a project mismatch.</summary>
    private static readonly string[] s_idKinds = ["org_id", "workspace_id", "enterprise_id", "project_id"];

    public static TenantVerdict Decide(HttpExchange exchange, TenantPolicy policy)
    {
        var byIds = DecideByIds(exchange.Evidence, policy);
        if (byIds is not null)
        {
            return byIds;
        }

        foreach (var evidence in exchange.Evidence)
        {
            if (evidence.Kind is "plan" or "plan_host" && PlanNames.TenantOf(evidence.Value) is { } planTenant)
            {
                return new TenantVerdict(planTenant, TenantIdOf(exchange.Evidence), [evidence.Basis], 1.0);
            }
        }

        if (exchange.Status == 403 && HasRestrictionHeader(exchange))
        {
            return new TenantVerdict(TenantVerdict.Personal, TenantIdOf(exchange.Evidence), [BasisRestrictionBlocked], 1.0);
        }

        if (policy.IsCorporateHost(exchange.Host))
        {
            return new TenantVerdict(TenantVerdict.Enterprise, null, [BasisCorporateHost], 1.0);
        }

        if (exchange.Credential is { } credential && policy.HasCredentialList)
        {
            var sanctioned = policy.Credentials.ContainsKey(credential.Sha256Hex);
            return new TenantVerdict(sanctioned ? TenantVerdict.Enterprise : TenantVerdict.Personal, TenantIdOf(exchange.Evidence), [sanctioned ? BasisCredentialSanctioned : BasisCredentialUnsanctioned], 1.0);
        }

        return TenantVerdict.None;
    }

    public static bool HasRestrictionHeader(HttpExchange exchange)
    {
        // One pass over the request's headers (asked per exchange by the rules and the feature extractor), not one per name.
        foreach (var header in exchange.RequestHeaders)
        {
            if (header.Name is "anthropic-allowed-org-ids" or "chatgpt-allowed-workspace-id" or "openai-allowed-organization-ids" && header.Value is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The config kind an evidence item is compared with: the ChatGPT account id names a workspace.</summary>
    internal static string ConfigKindOf(TenantEvidence evidence) =>
        evidence.Basis.EndsWith("chatgpt-account-id", StringComparison.OrdinalIgnoreCase) || evidence.Kind == "account_id" && evidence.Vendor == "openai" ? "workspace_id" : evidence.Kind;

    private static TenantVerdict? DecideByIds(List<TenantEvidence> evidence, TenantPolicy policy)
    {
        foreach (var kind in s_idKinds)
        {
            TenantEvidence? mismatch = null;
            foreach (var item in evidence)
            {
                if (ConfigKindOf(item) != kind || (policy.IdsFor(item.Vendor, kind) ?? policy.IdsFor(VendorKey(item.Vendor), kind)) is not { } ids)
                {
                    continue;
                }

                if (ids.Contains(item.Value))
                {
                    return new TenantVerdict(TenantVerdict.Enterprise, item.Value, BasesFor(evidence, item.Value), 1.0);
                }

                mismatch ??= item;
            }

            if (mismatch is not null)
            {
                return new TenantVerdict(TenantVerdict.Personal, mismatch.Value, BasesFor(evidence, mismatch.Value), 1.0);
            }
        }

        return null;
    }

    /// <summary>Every place the same id was seen (header and cookie and URL path), in order: all of it is the basis.</summary>
    private static List<string> BasesFor(List<TenantEvidence> evidence, string value)
    {
        var bases = new List<string>();
        foreach (var item in evidence)
        {
            if (item.Value == value && !bases.Contains(item.Basis))
            {
                bases.Add(item.Basis);
            }
        }

        return bases;
    }

    private static string? TenantIdOf(List<TenantEvidence> evidence)
    {
        foreach (var kind in s_idKinds)
        {
            foreach (var item in evidence)
            {
                if (ConfigKindOf(item) == kind)
                {
                    return item.Value;
                }
            }
        }

        return null;
    }

    /// <summary>Config sections name the company (<c>github</c>), catalog vendors the product (<c>github-copilot</c>).</summary>
    internal static string VendorKey(string vendor) => vendor == "github-copilot" ? "github" : vendor;
}
