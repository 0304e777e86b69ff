namespace Sensor.Tenancy.Configuration;

/// <summary>
/// The organisation's own tenants (config <c>tenants:</c>): ids per vendor, sanctioned credentials by SHA-256,
/// corporate e-mail/host domains, which sessions must carry the corporate proxy's tenant-restriction header,
/// and the model used when no explicit evidence decides. Ids are identifiers, not secrets.
/// </summary>
public sealed record TenantPolicy
{
    public static readonly TenantPolicy Empty = new();

    /// <summary>Domains of the company (hosts under them are its own services; e-mail domains are a model feature).</summary>
    public IReadOnlyList<string> CorporateDomains { get; init; } = [];

    /// <summary>vendor -> id kind (<c>org_id</c>, <c>project_id</c>, <c>workspace_id</c>, <c>enterprise_id</c>) -> the enterprise's ids.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>> Ids { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>>();

    /// <summary>Sanctioned credentials: lower-case hex SHA-256 of the exact token -> vendor.</summary>
    public IReadOnlyDictionary<string, string> Credentials { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Vendors (or <c>vendor/service</c>) whose visible requests must carry a tenant-restriction header, with the
    /// header's lower-case name; a visible session without it went around the corporate proxy.
    /// </summary>
    public IReadOnlyDictionary<string, string> RestrictionHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>The model file (ML.NET zip) used when explicit evidence does not decide; null: no model, the tenant stays unknown.</summary>
    public string? ModelPath { get; init; }

    /// <summary>P(personal) at or above which the model says personal.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>True when the config lists any sanctioned credential: then any other credential is unsanctioned.</summary>
    public bool HasCredentialList => Credentials.Count > 0;

    public IReadOnlySet<string>? IdsFor(string vendor, string kind) =>
        Ids.TryGetValue(vendor, out var kinds) && kinds.TryGetValue(kind, out var set) ? set : null;

    /// <summary>Whether <paramref name="host"/> is a corporate domain or under one.</summary>
    public bool IsCorporateHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        host = host.TrimEnd('.');
        foreach (var domain in CorporateDomains)
        {
            if (host.Equals(domain, StringComparison.OrdinalIgnoreCase)
                || (host.Length > domain.Length && host.EndsWith(domain, StringComparison.OrdinalIgnoreCase) && host[host.Length - domain.Length - 1] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The restriction header required for this session, if any: a <c>vendor/service</c> entry wins over the vendor's.</summary>
    public string? RestrictionHeaderFor(string vendor, string service) =>
        RestrictionHeaders.GetValueOrDefault(vendor + "/" + service) ?? RestrictionHeaders.GetValueOrDefault(vendor);
}
