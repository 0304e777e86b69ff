using System.Security.Cryptography;

namespace Sensor.Threats;

/// <summary>
/// What the MCP threat detectors of all workers share: the options, the tool-definition store (rug pull) and the
/// injection tracker (a client's flows may land on different workers). Built once by the host.
/// </summary>
public sealed class McpThreatState
{
    private readonly HashSet<string> _allowed;

    public McpThreatState(McpThreatOptions options)
    {
        Options = options;
        Corporate = new CorporateDomains(options.CorporateDomains);
        _allowed = new HashSet<string>(options.AllowedServers.Select(h => h.Trim().TrimEnd('.')), StringComparer.OrdinalIgnoreCase);
        ToolHashes = new ToolHashStore(options.StateDirectory);
        FingerprintKey = options.FingerprintKey ?? RandomNumberGenerator.GetBytes(Core.Security.SecretRedaction.KeyBytes);
    }

    public McpThreatOptions Options { get; }

    public CorporateDomains Corporate { get; }

    public ToolHashStore ToolHashes { get; }

    internal InjectionTracker Injections { get; } = new();

    internal byte[] FingerprintKey { get; }

    /// <summary>A server is trusted when the catalog knows it, the config allows it, or it is under a corporate domain.</summary>
    public bool IsTrustedServer(string host)
    {
        host = host.TrimEnd('.');
        return _allowed.Contains(host) || Corporate.ContainsHost(host) || Options.IsCatalogServer?.Invoke(host) == true;
    }
}
