namespace Sensor.Core.Payloads;

/// <summary>
/// Whose tenant a request or a session belongs to, and why. <see cref="Basis"/> names the evidence
/// (<c>response-header:anthropic-organization-id</c>, <c>credential:sanctioned</c>, <c>sni:copilot-plan</c>) or
/// <c>ml</c>; <see cref="Confidence"/> is 1 for explicit evidence and the model's probability for <c>ml</c>.
/// </summary>
public sealed record TenantVerdict(string Tenant, string? TenantId, IReadOnlyList<string> Basis, double? Confidence)
{
    public const string Enterprise = "enterprise";
    public const string Personal = "personal";
    public const string Unknown = "unknown";

    /// <summary>A session whose requests were attributed to both the enterprise and a personal tenant (keep-alive reuse).</summary>
    public const string Mixed = "mixed";

    public static readonly TenantVerdict None = new(Unknown, null, [], null);

    public bool Decided => Tenant is Enterprise or Personal or Mixed;
}
