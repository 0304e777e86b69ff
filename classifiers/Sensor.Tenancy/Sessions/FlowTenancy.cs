using Sensor.Core.Payloads;

namespace Sensor.Tenancy.Sessions;

/// <summary>What one flow's exchanges showed about its tenant, kept until the flow ends. Bounded by the caps below.</summary>
internal sealed class FlowTenancy
{
    /// <summary>Distinct tenant ids, bases, credentials and kinds kept per flow: a keep-alive connection in the captures carries at most 3 tenants; 16 leaves room for pools shared by many clients.</summary>
    public const int MaxDistinctPerFlow = 16;

    public int Requests { get; set; }

    public int Enterprise { get; set; }

    public int Personal { get; set; }

    public int Unknown { get; set; }

    public List<string> EnterpriseBasis { get; } = [];

    public List<string> PersonalBasis { get; } = [];

    public List<string> EnterpriseIds { get; } = [];

    public List<string> PersonalIds { get; } = [];

    public List<string> AuthKinds { get; } = [];

    public List<string> KeyPrefixes { get; } = [];

    /// <summary>Unsanctioned credentials: format prefix and location by SHA-256, with how many requests carried each.</summary>
    public Dictionary<string, (string Prefix, string Location, int Count)> Unsanctioned { get; } = new(StringComparer.Ordinal);

    public string? UserAgent { get; set; }

    public string? PlanHint { get; set; }

    public string? EmailDomainKind { get; set; }

    public string? OrgNameKind { get; set; }

    public int WithRestrictionHeader { get; set; }

    public int WithoutRestrictionHeader { get; set; }

    /// <summary>Requests that lacked the header this session was required to carry.</summary>
    public string? RequiredRestrictionHeader { get; set; }

    public int MissingRequiredHeader { get; set; }

    public string? Model { get; set; }

    public string? Host { get; set; }

    public bool Mcp { get; set; }

    public bool CapReached { get; private set; }

    /// <summary>Adds <paramref name="value"/> once; false (and <see cref="CapReached"/>) when the list is full.</summary>
    public bool AddDistinct(List<string> list, string value)
    {
        if (list.Contains(value))
        {
            return true;
        }

        if (list.Count >= MaxDistinctPerFlow)
        {
            CapReached = true;
            return false;
        }

        list.Add(value);
        return true;
    }
}
