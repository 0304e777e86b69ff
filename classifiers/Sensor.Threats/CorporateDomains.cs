namespace Sensor.Threats;

/// <summary>Decides whether an e-mail address or a host name belongs to the company (a configured domain or a subdomain of one).</summary>
public sealed class CorporateDomains
{
    private readonly string[] _domains;

    public CorporateDomains(IEnumerable<string> domains) =>
        _domains = [.. domains.Select(d => d.Trim().TrimStart('@', '.').TrimEnd('.').ToLowerInvariant()).Where(d => d.Length > 0).Distinct()];

    public bool IsEmpty => _domains.Length == 0;

    /// <summary>True when <paramref name="host"/> is a corporate domain or under one (<c>mail-mcp.acmecorp.com</c>).</summary>
    public bool ContainsHost(ReadOnlySpan<char> host)
    {
        host = host.TrimEnd('.');
        foreach (var domain in _domains)
        {
            if (host.Equals(domain, StringComparison.OrdinalIgnoreCase)
                || (host.Length > domain.Length && host[^(domain.Length + 1)] == '.' && host.EndsWith(domain, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the address's domain is outside every corporate domain (an address without '@' is not judged).</summary>
    public bool IsExternalAddress(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && !ContainsHost(address.AsSpan(at + 1));
    }
}
