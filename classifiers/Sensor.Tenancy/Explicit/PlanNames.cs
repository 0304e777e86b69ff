namespace Sensor.Tenancy.Explicit;

/// <summary>
/// Plans vendors name (Claude <c>organization_type</c>, ChatGPT <c>chatgpt_plan_type</c>, the Copilot plan host)
/// and whether each is a seat an organisation pays for or an individual's own. Sources: reference.md §tenants,
/// ../shared/pcaps/README.md (claude_max / claude_team, api.individual/business/enterprise.githubcopilot.com).
/// </summary>
internal static class PlanNames
{
    private static readonly HashSet<string> s_personal = new(StringComparer.OrdinalIgnoreCase)
    {
        "claude_max", "claude_pro", "claude_free", "max", "pro", "free", "plus", "individual", "personal", "chatgptplusplan", "go",
    };

    private static readonly HashSet<string> s_enterprise = new(StringComparer.OrdinalIgnoreCase)
    {
        "claude_team", "claude_enterprise", "team", "business", "enterprise", "edu", "education",
    };

    /// <summary><c>personal</c>, <c>enterprise</c> or null for a plan name we do not know.</summary>
    public static string? TenantOf(string plan)
    {
        // The Copilot plan host is evidence of its plan: api.individual.githubcopilot.com -> individual.
        if (plan.EndsWith(".githubcopilot.com", StringComparison.OrdinalIgnoreCase) && plan.StartsWith("api.", StringComparison.OrdinalIgnoreCase))
        {
            plan = plan["api.".Length..^".githubcopilot.com".Length];
        }

        return s_personal.Contains(plan) ? "personal" : s_enterprise.Contains(plan) ? "enterprise" : null;
    }
}
