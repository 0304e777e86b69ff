namespace Sensor.Threats;

/// <summary>What the host tells the MCP threat detectors (config section <c>threats</c>).</summary>
public sealed record McpThreatOptions
{
    /// <summary>
    /// The company's mail domains: a recipient in one of them (or a subdomain) is internal, any other is outside.
    /// Hosts under them count as the company's own MCP servers (trusted). Empty: every address is outside.
    /// </summary>
    public IReadOnlyList<string> CorporateDomains { get; init; } = [];

    /// <summary>MCP server hosts the config allows beside the catalog (exact names, case-insensitive).</summary>
    public IReadOnlyList<string> AllowedServers { get; init; } = [];

    /// <summary>
    /// Whether the AI catalog knows <c>host</c> as a vendor's server. The host passes it (classifiers do not reference
    /// the catalog's assembly); null: only the allowlist and corporate domains make a server trusted.
    /// </summary>
    public Func<string, bool>? IsCatalogServer { get; init; }

    /// <summary>Where the tool-definition hashes (rug pull) are kept across runs; null keeps them in memory only.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>HMAC key for secret fingerprints (see <see cref="Core.Security.SecretRedaction"/>); null: a random per-run key.</summary>
    public byte[]? FingerprintKey { get; init; }
}
