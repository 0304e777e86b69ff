using Sensor.Core.Payloads;
using Sensor.Sessions.AiApi;
using Sensor.Tenancy.Explicit;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions.AiApi;

/// <summary>
/// The one-pass header reads give what a lookup per name gave: <see cref="AiRequestHeaders"/> holds, for every name,
/// what <see cref="HttpHeaderList.Get"/> returns (the first of that name), and the one-pass restriction check agrees
/// with a <see cref="HttpHeaderList.Contains"/> per name, on seeded random header lists with repeated and near-miss names.
/// </summary>
public sealed class AiRequestHeadersTests
{
    private static readonly string[] s_names =
    [
        "x-api-key", "authorization", "x-goog-api-key", "x-postmark-server-token", "cookie", "openai-organization", "openai-project",
        "chatgpt-account-id", "anthropic-allowed-org-ids", "chatgpt-allowed-workspace-id", "openai-allowed-organization-ids",
        // Near misses: other case, a prefix, a longer name, unrelated names.
        "Authorization", "x-api-ke", "cookie2", "openai-organization-id", "user-agent", "content-type", "accept",
    ];

    [Fact]
    public void OnePass_GivesTheFirstOfEachName_AsGetDoes()
    {
        var random = new Random(4242);
        for (var run = 0; run < 2000; run++)
        {
            var headers = RandomHeaders(random);
            var found = AiRequestHeaders.Of(headers);
            Assert.Equal(headers.Get("x-api-key"), found.ApiKey);
            Assert.Equal(headers.Get("authorization"), found.Authorization);
            Assert.Equal(headers.Get("x-goog-api-key"), found.GoogleApiKey);
            Assert.Equal(headers.Get("x-postmark-server-token"), found.PostmarkServerToken);
            Assert.Equal(headers.Get("cookie"), found.Cookie);
            Assert.Equal(headers.Get("openai-organization"), found.OpenAiOrganization);
            Assert.Equal(headers.Get("openai-project"), found.OpenAiProject);
            Assert.Equal(headers.Get("chatgpt-account-id"), found.ChatGptAccountId);
            Assert.Equal(headers.Get("anthropic-allowed-org-ids"), found.AnthropicAllowedOrgIds);
            Assert.Equal(headers.Get("chatgpt-allowed-workspace-id"), found.ChatGptAllowedWorkspaceId);
            Assert.Equal(headers.Get("openai-allowed-organization-ids"), found.OpenAiAllowedOrganizationIds);
        }
    }

    [Fact]
    public void RestrictionCheck_AgreesWithAContainsPerName()
    {
        var random = new Random(77);
        var seen = new HashSet<bool>();
        for (var run = 0; run < 2000; run++)
        {
            var exchange = new HttpExchange(EventRecorder.Flow(443), "HTTP/1.1", 0);
            exchange.RequestHeaders.AddRange(RandomHeaders(random));
            var expected = ExchangeRules.RestrictionHeaderNames.Any(exchange.RequestHeaders.Contains);
            Assert.Equal(expected, ExchangeRules.HasRestrictionHeader(exchange));
            seen.Add(expected);
        }

        Assert.Equal(2, seen.Count);
    }

    private static HttpHeaderList RandomHeaders(Random random)
    {
        var headers = new HttpHeaderList();
        var count = random.Next(0, 8);
        for (var i = 0; i < count; i++)
        {
            headers.Add(new HttpHeader(s_names[random.Next(s_names.Length)], "v" + random.Next(100)));
        }

        return headers;
    }
}
