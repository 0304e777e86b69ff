using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Sensor.Core.Payloads;
using Sensor.Sessions.Http;

namespace Sensor.Benchmarks.Protocols.Http;

/// <summary>
/// The two lookups every HTTP exchange repeats (issue 4): a field name from the wire to its shared string (once per
/// header), and <see cref="HttpHeaderList.Get"/> for the names the observers and the http event ask for (two dozen per
/// exchange, most absent). Each has the plain scan it replaced beside it as the baseline of its category.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HeaderLookupBenchmarks
{
    private const string NamesCategory = "names";
    private const string GetCategory = "get";

    /// <summary>An Anthropic SDK request's field names as sent (mixed case), and two no list knows.</summary>
    private static readonly byte[][] s_wireNames = [.. new[]
    {
        "Host", "Connection", "Accept", "anthropic-version", "Content-Type", "User-Agent", "X-Stainless-Lang",
        "X-Stainless-Package-Version", "X-Stainless-OS", "X-Stainless-Arch", "X-Stainless-Runtime", "X-Stainless-Runtime-Version",
        "X-Stainless-Retry-Count", "x-api-key", "Accept-Encoding", "Content-Length", "cf-ray", "X-Custom-Trace",
    }.Select(Encoding.ASCII.GetBytes)];

    /// <summary>What observers, the dispatcher and the http event ask a request's list for, in about that order.</summary>
    private static readonly string[] s_asked =
    [
        "content-type", "host", "x-api-key", "authorization", "x-goog-api-key", "x-postmark-server-token", "cookie",
        "anthropic-allowed-org-ids", "chatgpt-allowed-workspace-id", "openai-allowed-organization-ids", "mcp-protocol-version",
        "mcp-session-id", "mcp-method", "accept", "user-agent", "content-encoding", "content-length", "referer", "mcp-name",
    ];

    private readonly HttpHeaderList _request = [];

    // Instance copy: what a benchmark method reads per call.
    private readonly byte[][] _wireNames = s_wireNames;

    [GlobalSetup]
    public void Setup()
    {
        foreach (var name in s_wireNames)
        {
            _request.Add(new HttpHeader(Http1Strings.Name(name), "v"));
        }
    }

    [Benchmark(Baseline = true, Description = "field names: scan of all known names")]
    [BenchmarkCategory(NamesCategory)]
    public int NamesByScan()
    {
        var length = 0;
        foreach (var name in _wireNames)
        {
            length += ScanName(name).Length;
        }

        return length;
    }

    [Benchmark(Description = "field names: Http1Strings.Name")]
    [BenchmarkCategory(NamesCategory)]
    public int NamesByLength()
    {
        var length = 0;
        foreach (var name in _wireNames)
        {
            length += Http1Strings.Name(name, out _).Length;
        }

        return length;
    }

    /// <summary>The lookup as it was: every known name compared, an unknown name lower-cased into a new string.</summary>
    private static string ScanName(ReadOnlySpan<byte> name)
    {
        foreach (var known in Http1Strings.KnownNames)
        {
            if (known.Length == name.Length && Ascii.EqualsIgnoreCase(name, known))
            {
                return known;
            }
        }

        return Encoding.ASCII.GetString(name).ToLowerInvariant();
    }

    [Benchmark(Baseline = true, Description = "Get: plain first-match scan")]
    [BenchmarkCategory(GetCategory)]
    public int GetByScan()
    {
        var found = 0;
        foreach (var asked in s_asked)
        {
            foreach (var header in _request)
            {
                if (string.Equals(header.Name, asked, StringComparison.Ordinal))
                {
                    found++;
                    break;
                }
            }
        }

        return found;
    }

    [Benchmark(Description = "Get: HttpHeaderList.Get")]
    [BenchmarkCategory(GetCategory)]
    public int GetWithFilter()
    {
        var found = 0;
        foreach (var asked in s_asked)
        {
            if (_request.Get(asked) is not null)
            {
                found++;
            }
        }

        return found;
    }
}
