using System.Net;
using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Tenancy.Configuration;

namespace Sensor.Tests.Tenancy;

/// <summary>Exchanges and a policy shaped like the shared captures' tenants (catalog.json ids; tokens made up here).</summary>
internal static class TenancyTestData
{
    public const string AnthropicOrg = "758d8427-ab75-4fcb-bee3-2126aac9ba9b";
    public const string AnthropicPersonalOrg = "50c158fe-94d8-4ddc-a687-4c42f3daf641";
    public const string OpenAiOrg = "org-DEZBrU1aOF8oCpeM6lhfu0yT";
    public const string OpenAiPersonalOrg = "user-sytjsYDppuek5XKIm4cYk6Wy";
    public const string OpenAiProject = "proj_OIQDgV2rUb4H3TuzhBBRfVaj";
    public const string ChatGptWorkspace = "c6d40587-fec2-4d3a-b1c9-01261346315d";
    public const string SanctionedGeminiKey = "AIzaTestSanctionedKey000000000000000000";
    public const string PersonalGeminiKey = "AIzaTestPersonalKey00000000000000000000";

    public static TenantPolicy Policy => new()
    {
        CorporateDomains = ["acmecorp.com"],
        Ids = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>>
        {
            ["anthropic"] = new Dictionary<string, IReadOnlySet<string>> { ["org_id"] = new HashSet<string> { AnthropicOrg } },
            ["openai"] = new Dictionary<string, IReadOnlySet<string>>
            {
                ["org_id"] = new HashSet<string> { OpenAiOrg },
                ["project_id"] = new HashSet<string> { OpenAiProject },
                ["workspace_id"] = new HashSet<string> { ChatGptWorkspace },
            },
            ["github"] = new Dictionary<string, IReadOnlySet<string>> { ["enterprise_id"] = new HashSet<string> { "acmecorp" } },
        },
        Credentials = new Dictionary<string, string> { [Sha256(SanctionedGeminiKey)] = "google" },
        RestrictionHeaders = new Dictionary<string, string> { ["anthropic"] = "anthropic-allowed-org-ids" },
    };

    public static FlowIdentity Flow(long id = 1, string destination = "127.10.1.33") =>
        new(id, 6, IPAddress.Parse("127.0.0.1"), (ushort)(50000 + id), IPAddress.Parse(destination), 443, "1:test");

    public static HttpExchange Exchange(FlowIdentity flow, string host, int index = 0, int status = 200)
    {
        var exchange = new HttpExchange(flow, "HTTP/1.1", index) { Method = "POST", Host = host, Target = "/v1/messages", Status = status };
        exchange.RequestHeaders.Add(new HttpHeader("host", host));
        return exchange;
    }

    public static CredentialInfo Credential(string token, string kind = "api_key", string location = "request-header:x-api-key") =>
        new(kind, location, token[..Math.Min(12, token.Length)], Sha256(token));

    public static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static AiSessionFacts Facts(FlowIdentity flow, string vendor, string service, string host, string kind = "ai-api") =>
        new(flow, vendor, service, kind, host, "sni") { BytesToServer = 4000, BytesToClient = 9000, StartMicros = 1_000_000, EndMicros = 2_500_000 };
}
