using System.Net;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Tenancy.Configuration;
using Sensor.Tenancy.Model;
using Sensor.Tenancy.Sessions;

namespace Sensor.Benchmarks.Tenancy;

/// <summary>
/// Tenant attribution cost per AI session: a visible request with an org-id header decided explicitly (the common
/// decrypted case), and a session nothing decides, scored by the shipped ML.NET model (feature extraction and
/// prediction). Each AI session pays one of these once, at its end.
/// </summary>
[MemoryDiagnoser]
public class TenantAttributionBenchmarks
{
    private static readonly string s_model = Path.Combine(FindRoot(), "classifiers", "models", "tenant-model.zip");

    private TenantAttribution _explicit = null!;
    private TenantAttribution _scored = null!;
    private FlowIdentity _flow = null!;
    private AiSessionFacts _facts = null!;
    private HttpExchange _exchange = null!;

    [GlobalSetup]
    public void Setup()
    {
        var policy = new TenantPolicy
        {
            CorporateDomains = ["acmecorp.com"],
            Ids = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>>
            {
                ["anthropic"] = new Dictionary<string, IReadOnlySet<string>> { ["org_id"] = new HashSet<string> { "758d8427-ab75-4fcb-bee3-2126aac9ba9b" } },
            },
        };
        var model = TenantModel.Load(s_model, out var error) ?? throw new InvalidOperationException(error);
        _explicit = new TenantAttribution(policy);
        _scored = new TenantAttribution(policy, model);
        _flow = new FlowIdentity(42, 6, IPAddress.Parse("127.0.0.1"), 50848, IPAddress.Parse("127.10.1.33"), 443, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
        _facts = new AiSessionFacts(_flow, "anthropic", "api", "ai-api", "api.anthropic.com", "sni")
        {
            Client = "Node.js (undici fetch, OpenSSL 3)", Ja4 = "t13d5911h1_a33745022dd6_1f22a2ca17c4", Alpn = "http/1.1",
            BytesToServer = 6_500, BytesToClient = 9_700, StartMicros = 1_795_494_765_780_323, EndMicros = 1_795_494_767_730_000,
        };
        _exchange = new HttpExchange(_flow, "HTTP/1.1", 0) { Method = "POST", Host = "api.anthropic.com", Target = "/v1/messages", Status = 200 };
        _exchange.RequestHeaders.Add(new HttpHeader("user-agent", "Anthropic/JS 1.12.0"));
        _exchange.Evidence.Add(new TenantEvidence("anthropic", "response-header:anthropic-organization-id", "org_id", "758d8427-ab75-4fcb-bee3-2126aac9ba9b"));
    }

    [Benchmark(Baseline = true)]
    public string ExplicitSession()
    {
        IHttpObserver observer = _explicit;
        observer.OnRequestHeaders(_exchange);
        observer.OnResponseComplete(_exchange, true);
        return _explicit.Decide(_facts, NullEventSink.Instance).Verdict.Tenant;
    }

    [Benchmark]
    public string ModelScoredSession() => _scored.Decide(_facts, NullEventSink.Instance).Verdict.Tenant;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sensor.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
