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
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the catalog must be a JSON object");
        }

        if (Optional(root, "version", "catalog") is { } version)
        {
            Versions.Add(version);
        }

        foreach (var vendor in Array(root, "vendors"))
        {
            VendorCount++;
            var id = Required(vendor, "id", "vendors[]");
            var name = Optional(vendor, "name", $"vendor {id}") ?? id;
            foreach (var service in Array(vendor, "services"))
            {
                var entry = new CatalogEntry(id, name, Required(service, "id", $"vendor {id} services[]"), Required(service, "kind", $"vendor {id} services[]"));
                foreach (var host in Array(service, "hosts"))
                {
                    AddHost(Text(host, $"vendor {id} service {entry.Service} hosts[]"), entry);
                }
            }
        }

        if (root.TryGetProperty("generic_mcp_hosts", out var generic))
        {
            _genericMcp.AddRange(Array(generic, "patterns").Select(p => new HostPattern(Text(p, "generic_mcp_hosts.patterns[]"))));
        }

        foreach (var hint in Array(root, "tenant_hints"))
        {
            _tenantHints[Required(hint, "host", "tenant_hints[]")] = new TenantHint(
                Required(hint, "vendor", "tenant_hints[]"), Required(hint, "tenant", "tenant_hints[]"), Required(hint, "basis", "tenant_hints[]"),
                Optional(hint, "plan", "tenant_hints[]"));
        }

        foreach (var client in Array(root, "clients"))
        {
            var hint = new ClientHint(Required(client, "client", "clients[]"), Optional(client, "kind", "clients[]") ?? "");
            if (Optional(client, "ja4", "clients[]") is { } ja4)
            {
                _ja4Clients[ja4] = hint;
            }

            if (Optional(client, "user_agent_prefix", "clients[]") is { } prefix)
            {
                _userAgents.Add((prefix, hint));
            }
        }

        foreach (var resolver in Array(root, "doh_resolvers"))
        {
            _dohResolvers.Add(Text(resolver, "doh_resolvers[]"));
        }
    }

    // A value of the wrong kind (null, a number where a name belongs) is a catalog error, reported by Load like a syntax
    // error; reading it with GetString()! let a null through to a dictionary key or a string method and crash the host.

    private static string Required(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var value) ? Text(value, $"{where}.{name}") : throw new JsonException($"{where}: \"{name}\" is missing");

    private static string? Optional(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Text(value, $"{where}.{name}") : null;

    private static string Text(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : throw new JsonException($"{where} must be a non-empty string, not {value.ValueKind}");

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
