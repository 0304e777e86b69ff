using System.Text.Json;

namespace Sensor.Inspection.Catalog;

/// <summary>
/// The AI vendor catalog (<c>classifiers/catalog/ai-catalog.json</c> plus extra files from the config): which hosts
/// belong to which AI vendor and service, tenant hints visible on the wire, client hints and DoH resolvers.
/// Later files extend earlier ones; an exact host in a later file replaces the earlier entry.
/// Lookups are memoised without locks: one instance per worker thread.
/// </summary>
public sealed class AiCatalog
{
    private readonly Dictionary<string, CatalogEntry> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(HostPattern Pattern, CatalogEntry Entry)> _patterns = [];
    private readonly List<HostPattern> _genericMcp = [];
    private readonly Dictionary<string, TenantHint> _tenantHints = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ClientHint> _ja4Clients = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, ClientHint Hint)> _userAgents = [];
    private readonly HashSet<string> _dohResolvers = new(StringComparer.OrdinalIgnoreCase);

    private static readonly CatalogEntry s_unknownMcp = new("unknown", "unknown", "mcp", CatalogEntry.KindMcp);

    public List<string> Versions { get; } = [];

    public int VendorCount { get; private set; }

    /// <summary>Loads the files in order; returns null and the errors (file: message) when one cannot be read.</summary>
    public static AiCatalog? Load(IEnumerable<string> paths, List<string> errors)
    {
        var catalog = new AiCatalog();
        foreach (var path in paths)
        {
            try
            {
                using var stream = File.OpenRead(path);
                using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                catalog.Add(document.RootElement);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or KeyNotFoundException)
            {
                errors.Add($"{path}: {e.Message}");
            }
        }

        return errors.Count == 0 ? catalog : null;
    }

    /// <summary>Distinct host names whose lookup result is remembered (pattern matching runs once per name).</summary>
    private const int LookupCacheCapacity = 8192;

    private readonly Dictionary<string, CatalogEntry?> _lookups = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the catalog knows about <paramref name="host"/>: the most specific vendor entry, else a generic MCP match.</summary>
    public CatalogEntry? Lookup(string host)
    {
        if (_lookups.TryGetValue(host, out var known))
        {
            return known;
        }

        if (_lookups.Count >= LookupCacheCapacity)
        {
            _lookups.Clear();
        }

        return _lookups[host] = Match(host.TrimEnd('.'));
    }

    private CatalogEntry? Match(string host)
    {
        if (_exact.TryGetValue(host, out var exact))
        {
            return exact;
        }

        CatalogEntry? best = null;
        var bestSpecificity = -1;
        foreach (var (pattern, entry) in _patterns)
        {
            if (pattern.Specificity > bestSpecificity && pattern.Matches(host))
            {
                best = entry;
                bestSpecificity = pattern.Specificity;
            }
        }

        return best ?? (_genericMcp.Any(p => p.Matches(host)) ? s_unknownMcp : null);
    }

    public TenantHint? TenantHintFor(string host) => _tenantHints.GetValueOrDefault(host.TrimEnd('.'));

    public ClientHint? ClientForJa4(string ja4) => _ja4Clients.GetValueOrDefault(ja4);

    public ClientHint? ClientForUserAgent(string userAgent)
    {
        foreach (var (prefix, hint) in _userAgents)
        {
            if (userAgent.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return hint;
            }
        }

        return null;
    }

    public bool IsDohResolver(string host) => _dohResolvers.Contains(host.TrimEnd('.'));

    private void Add(JsonElement root)
    {
        if (root.TryGetProperty("version", out var version))
        {
            Versions.Add(version.GetString() ?? "");
        }

        foreach (var vendor in Array(root, "vendors"))
        {
            VendorCount++;
            var id = vendor.GetProperty("id").GetString()!;
            var name = vendor.TryGetProperty("name", out var n) ? n.GetString() ?? id : id;
            foreach (var service in Array(vendor, "services"))
            {
                var entry = new CatalogEntry(id, name, service.GetProperty("id").GetString()!, service.GetProperty("kind").GetString()!);
                foreach (var host in Array(service, "hosts"))
                {
                    AddHost(host.GetString()!, entry);
                }
            }
        }

        if (root.TryGetProperty("generic_mcp_hosts", out var generic))
        {
            _genericMcp.AddRange(Array(generic, "patterns").Select(p => new HostPattern(p.GetString()!)));
        }

        foreach (var hint in Array(root, "tenant_hints"))
        {
            _tenantHints[hint.GetProperty("host").GetString()!] = new TenantHint(
                hint.GetProperty("vendor").GetString()!, hint.GetProperty("tenant").GetString()!, hint.GetProperty("basis").GetString()!,
                hint.TryGetProperty("plan", out var plan) ? plan.GetString() : null);
        }

        foreach (var client in Array(root, "clients"))
        {
            var hint = new ClientHint(client.GetProperty("client").GetString()!, client.TryGetProperty("kind", out var kind) ? kind.GetString() ?? "" : "");
            if (client.TryGetProperty("ja4", out var ja4))
            {
                _ja4Clients[ja4.GetString()!] = hint;
            }

            if (client.TryGetProperty("user_agent_prefix", out var prefix))
            {
                _userAgents.Add((prefix.GetString()!, hint));
            }
        }

        foreach (var resolver in Array(root, "doh_resolvers"))
        {
            _dohResolvers.Add(resolver.GetString()!);
        }
    }

    private void AddHost(string host, CatalogEntry entry)
    {
        if (host.Contains('/', StringComparison.Ordinal))
        {
            return; // host + path: only decidable once HTTP is visible (payload stage)
        }

        if (host.Contains('*', StringComparison.Ordinal))
        {
            _patterns.Add((new HostPattern(host), entry));
        }
        else
        {
            _exact[host] = entry;
        }
    }

    private static JsonElement[] Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray()] : [];
}
