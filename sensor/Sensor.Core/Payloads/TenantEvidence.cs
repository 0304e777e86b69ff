namespace Sensor.Core.Payloads;

/// <summary>
/// One fact about the tenant as the vendor or client stated it, e.g. basis <c>response-header:anthropic-organization-id</c>
/// with the org uuid as value. Tenant ids are identifiers, not secrets; credentials never go here (see <see cref="CredentialInfo"/>).
/// </summary>
/// <param name="Vendor">Catalog vendor the evidence belongs to (anthropic, openai, ...).</param>
/// <param name="Basis">Where it was seen, in the labels' vocabulary: <c>response-header:&lt;name&gt;</c>, <c>request-header:&lt;name&gt;</c>, <c>url-path:...</c>, <c>cookie:...</c>, <c>response-body:...</c>, <c>jwt:...</c>.</param>
/// <param name="Kind">What the value is: <c>org_id</c>, <c>project_id</c>, <c>workspace_id</c>, <c>account_id</c>, <c>plan</c>, <c>plan_host</c>, <c>allowed_org_ids</c>, <c>allowed_workspace_id</c>...</param>
/// <param name="Value">The identifier as sent.</param>
public sealed record TenantEvidence(string Vendor, string Basis, string Kind, string Value);
