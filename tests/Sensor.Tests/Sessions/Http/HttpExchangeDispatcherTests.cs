using System.Text;
using System.Text.Json;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Sessions.Http;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions.Http;

public sealed class HttpExchangeDispatcherTests
{
    private const string Secret = "sk-ant-api03-SECRETSECRETSECRET";

    [Fact]
    public void Steps_ReachObserversAndInspectors_ThenOneEvent_WithRedactionsEvidenceAndNoCredentialHash()
    {
        var recorder = new EventRecorder();
        var observer = new RecordingObserver
        {
            OnComplete = x =>
            {
                x.Evidence.Add(new TenantEvidence("anthropic", "response-header:anthropic-organization-id", "org_id", "758d8427-ab75-4fcb-bee3-2126aac9ba9b"));
                x.Credential = new CredentialInfo("api_key", "request-header:x-api-key", "sk-ant-api03", "00ff00ff");
                x.AiCall = new AiApiCall { Api = "anthropic.messages", Model = "claude-sonnet-4", Stream = true, Tools = { "get_weather" }, McpServerUrls = { "https://mcp.notion.com/mcp" } };
            },
        };
        var inspector = new RecordingInspector { SecretMarker = "sk-ant-" };
        var context = recorder.Context with { Payloads = new PayloadHooks([observer], [inspector]) };
        var dispatcher = new HttpExchangeDispatcher(EventRecorder.Flow(80), context, decrypted: false);

        var x = dispatcher.Begin("HTTP/1.1");
        x.Method = "POST";
        x.Host = "api.anthropic.com";
        x.Target = "/v1/messages?key=" + Secret;
        x.RequestHeaders.Add(new HttpHeader("host", "api.anthropic.com"));
        x.RequestHeaders.Add(new HttpHeader("x-api-key", Secret));
        x.RequestHeaders.Add(new HttpHeader("content-type", "application/json"));
        x.RequestHeaders.Add(new HttpHeader("user-agent", "Anthropic/JS 1.12.0"));
        dispatcher.OnRequestHeaders(x);
        dispatcher.OnBody(x, Direction.ToServer, "{\"a\":"u8);
        dispatcher.OnBody(x, Direction.ToServer, "1}"u8);
        dispatcher.OnRequestComplete(x);
        x.Status = 200;
        x.ResponseHeaders.Add(new HttpHeader("content-type", "text/event-stream; charset=utf-8"));
        x.ResponseHeaders.Add(new HttpHeader("content-encoding", "gzip"));
        dispatcher.OnResponseHeaders(x);
        var gz = Compression.Encode("gzip", "data: hello\n\n"u8.ToArray());
        dispatcher.OnBody(x, Direction.ToClient, gz.AsSpan(0, 5));
        dispatcher.OnBody(x, Direction.ToClient, gz.AsSpan(5));
        dispatcher.OnResponseComplete(x, ended: true);

        Assert.Equal(["0 request-headers POST /v1/messages?key=" + Secret, "0 request-complete 7", "0 response-headers 200", "0 response-complete 13 ended"], observer.Log);
        Assert.True(x.ResponseIsEventStream);
        Assert.Equal("data: hello\n\n", Encoding.UTF8.GetString(observer.Streamed[x].ToArray()));
        Assert.Contains("ToServer request-url=/v1/messages?key=" + Secret, inspector.Items);
        Assert.Contains("ToServer request-header:x-api-key=" + Secret, inspector.Items);
        Assert.Contains("ToServer request-body={\"a\":1}", inspector.Items);
        Assert.Contains("ToClient response-header:content-encoding=gzip", inspector.Items);
        Assert.Contains("ToClient response-body=data: hello\n\n", inspector.Items);

        var e = Assert.Single(recorder.Of<HttpEvent>());
        Assert.Same(x, e.Exchange);
        var body = EventRecorder.Body(e);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("00ff00ff", body, StringComparison.Ordinal);
        var http = JsonDocument.Parse(body).RootElement.GetProperty("http");
        Assert.Equal("/v1/messages?key=[redacted]", http.GetProperty("url").GetString()); // the path and names stay, no value
        Assert.Equal("api.anthropic.com", http.GetProperty("hostname").GetString());
        Assert.Equal("POST", http.GetProperty("http_method").GetString());
        Assert.Equal(200, http.GetProperty("status").GetInt32());
        Assert.Equal("Anthropic/JS 1.12.0", http.GetProperty("http_user_agent").GetString());
        Assert.Equal("text/event-stream; charset=utf-8", http.GetProperty("http_content_type").GetString());
        Assert.Equal(gz.Length, http.GetProperty("length").GetInt32());
        Assert.Equal(7, http.GetProperty("request_body_length").GetInt32());
        Assert.True(http.GetProperty("event_stream").GetBoolean());
        Assert.Equal("gzip", http.GetProperty("content_encoding").GetString());
        Assert.Equal("claude-sonnet-4", http.GetProperty("ai").GetProperty("model").GetString());
        Assert.Equal("https://mcp.notion.com/mcp", http.GetProperty("ai").GetProperty("mcp_servers")[0].GetString());
        Assert.Equal("org_id", http.GetProperty("tenant_evidence")[0].GetProperty("kind").GetString());
        Assert.Equal("sk-ant-api03", http.GetProperty("credential").GetProperty("prefix").GetString());
        Assert.False(http.GetProperty("credential").TryGetProperty("sha256", out _));
        Assert.Empty(recorder.Anomalies);
    }

    [Fact]
    public void BodiesOverTheCap_AreKeptUpToIt_MarkedTruncated_AndReportedOnce()
    {
        var recorder = new EventRecorder();
        var dispatcher = new HttpExchangeDispatcher(EventRecorder.Flow(80), recorder.Context, decrypted: true);
        var x = dispatcher.Begin("HTTP/1.1");
        x.Method = "POST";
        dispatcher.OnRequestHeaders(x);
        var piece = new byte[300 * 1024];
        for (var i = 0; i < 5; i++)
        {
            dispatcher.OnBody(x, Direction.ToServer, piece);
        }

        dispatcher.OnRequestComplete(x);
        dispatcher.OnResponseComplete(x, ended: false);
        Assert.Equal(HttpExchangeDispatcher.MaxBodyBytes, x.RequestBody.Length);
        Assert.Equal(5 * piece.Length, x.RequestBody.DecodedLength);
        Assert.True(x.RequestBody.Truncated);
        Assert.Equal(AnomalyKind.HttpBodyTruncated, Assert.Single(recorder.Anomalies).Kind);
        var http = JsonDocument.Parse(EventRecorder.Body(Assert.Single(recorder.Of<HttpEvent>()))).RootElement.GetProperty("http");
        Assert.False(http.GetProperty("complete").GetBoolean());
        Assert.True(http.GetProperty("decrypted").GetBoolean());
        Assert.True(http.GetProperty("request_body_truncated").GetBoolean());
    }

    [Theory]
    [InlineData("20000", 20_000)] // the declared size: one buffer
    [InlineData("5000000", 20_000)] // a lie above the cap: reserved only up to the cap, the bytes still all kept
    [InlineData("100", 20_000)] // a lie below: the body grows past it as before
    [InlineData("5, 5", 20_000)] // a list form: no hint, grows as before
    public void ADeclaredContentLength_SizesTheBodyOnce_AndNeverChangesWhatIsKept(string contentLength, int sent)
    {
        var recorder = new EventRecorder();
        var dispatcher = new HttpExchangeDispatcher(EventRecorder.Flow(80), recorder.Context, decrypted: true);
        var piece = new byte[500];
        new Random(5).NextBytes(piece);
        HttpExchange? exchange = null;
        var allocated = Allocation.Measure(() =>
        {
            var x = exchange = dispatcher.Begin("HTTP/1.1");
            x.ResponseHeaders.Add(new HttpHeader("content-length", contentLength));
            for (var done = 0; done < sent; done += piece.Length)
            {
                dispatcher.OnBody(x, Direction.ToClient, piece);
            }
        });

        Assert.Equal(sent, exchange!.ResponseBody.Length);
        Assert.False(exchange.ResponseBody.Truncated);
        for (var at = 0; at < sent; at += piece.Length)
        {
            Assert.True(exchange.ResponseBody.Content.Span.Slice(at, piece.Length).SequenceEqual(piece));
        }

        // Doubling from 256 to 32 KiB allocates ~64 KiB; the declared size, once, 20 KB (plus the exchange itself).
        Assert.Equal(contentLength == "20000", allocated < 24_000);
        Assert.Empty(recorder.Anomalies);
    }

    [Fact]
    public void AGzipBombResponse_IsCutAtTheCap_WithAnAnomaly()
    {
        var recorder = new EventRecorder();
        var dispatcher = new HttpExchangeDispatcher(EventRecorder.Flow(80), recorder.Context, decrypted: false);
        var x = dispatcher.Begin("HTTP/1.1");
        dispatcher.OnRequestHeaders(x);
        dispatcher.OnRequestComplete(x);
        x.Status = 200;
        x.ResponseHeaders.Add(new HttpHeader("content-encoding", "gzip"));
        dispatcher.OnResponseHeaders(x);
        var bomb = Compression.Bomb("gzip", 64 << 20);
        for (var offset = 0; offset < bomb.Length; offset += 1460)
        {
            dispatcher.OnBody(x, Direction.ToClient, bomb.AsSpan(offset, Math.Min(1460, bomb.Length - offset)));
        }

        dispatcher.OnResponseComplete(x, ended: true);
        Assert.Equal(HttpExchangeDispatcher.MaxBodyBytes, x.ResponseBody.Length);
        Assert.True(x.ResponseBody.DecodedLength <= HttpExchangeDispatcher.MaxBodyBytes);
        Assert.True(x.ResponseBody.Truncated);
        Assert.Equal(bomb.Length, x.ResponseBody.WireLength);
        Assert.Equal([AnomalyKind.HttpBodyTruncated], recorder.Anomalies.Select(a => a.Kind));
        Assert.Single(recorder.Of<HttpEvent>());
    }
}

public sealed class UrlCredentialsTests
{
    [Theory]
    [InlineData("/v1beta/models/gemini:generateContent?key=AIzaSECRET", "/v1beta/models/gemini:generateContent?key=[redacted]")]
    [InlineData("/cb?state=abc&code=SECRET&x=1#frag", "/cb?state=abc&code=[redacted]&x=1#frag")]
    [InlineData("/p?access%5Ftoken=SECRET", "/p?access%5Ftoken=[redacted]")]
    [InlineData("/v1/message?sessionId=500f6c62", "/v1/message?sessionId=500f6c62")]
    [InlineData("/plain", "/plain")]
    [InlineData("/p?key=&keyboard=1&&=x", "/p?key=&keyboard=1&&=x")]
    public void CredentialParameterValues_AreRedacted_AndNothingElse(string url, string expected) =>
        Assert.Equal(expected, UrlCredentials.Redact(url));

    [Theory]
    [InlineData("/v1/chat?q=ghp_SECRET&lang=en", "/v1/chat?q=[redacted]&lang=[redacted]")]
    [InlineData("/v1/chat?ghp_SECRET", "/v1/chat?[redacted]")]
    [InlineData("/services/T000/B000/SECRET", "[redacted]")]
    public void DetectedUrls_KeepThePathAndNames_ButNoValue(string url, string expected) =>
        Assert.Equal(expected, UrlCredentials.RedactDetected(url));
}
