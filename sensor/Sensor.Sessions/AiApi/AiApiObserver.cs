using System.Text.Json;
using System.Text.RegularExpressions;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Protocols.AiStream;
using Sensor.Protocols.JsonRpc;
using Sensor.Protocols.Sse;

namespace Sensor.Sessions.AiApi;

/// <summary>
/// Reads AI vendor API calls and the tenant evidence vendors and clients put on the wire (reference.md §3–§4; the
/// shared captures' <c>tenant_evidence</c> vocabulary): fills <see cref="HttpExchange.AiCall"/>,
/// <see cref="HttpExchange.Evidence"/> and, for every exchange, <see cref="HttpExchange.Credential"/>. Streaming answers
/// are read as SSE as they arrive, for the model the vendor reports and, when detectors run, for the answer's text:
/// the text deltas are joined (<see cref="StreamedCompletion"/>) and given to the inspectors once the answer ends, as
/// one <c>response-body</c> item. The raw SSE body is inspected too (by the dispatcher, after the observers), and a
/// value found in both is one finding: the detectors keep one finding per value, location and exchange.
/// </summary>
internal sealed partial class AiApiObserver : IHttpObserver
{
    private const string AnthropicOrgHeader = "anthropic-organization-id";

    /// <summary>Streams followed at once per worker, as <see cref="Mcp.McpHttpObserver.MaxOpenExchanges"/>.</summary>
    public const int MaxOpenStreams = 1024;

    /// <summary>The media type the joined completion text is inspected as.</summary>
    private const string CompletionContentType = "text/plain";

    private readonly Dictionary<HttpExchange, StreamedCompletion> _streams = new(ReferenceEqualityComparer.Instance);
    private StreamContext? _context;

    /// <summary>The context whose inspectors and anomalies streamed completions go to (set once by the composer).</summary>
    public void Attach(StreamContext context) => _context = context;

    public void OnRequestHeaders(HttpExchange exchange)
    {
        var headers = AiRequestHeaders.Of(exchange.RequestHeaders);
        exchange.Credential ??= CredentialReader.Read(in headers, exchange.Target);
        if (exchange.Credential is { } credential)
        {
            // The client's own token is a secret wherever it sits (a Gemini ?key= in the URL included): never in clear.
            exchange.Redact(credential.Location);
        }
        var host = exchange.Host ?? string.Empty;
        var path = Path(exchange.Target);
        var route = AiApiRoutes.Classify(host, path);
        if (AiApiRoutes.ApiName(route) is { } api)
        {
            exchange.AiCall = new AiApiCall { Api = api, Stream = route == AiApiRoute.GeminiStreamGenerateContent };
            if (route is AiApiRoute.GeminiGenerateContent or AiApiRoute.GeminiStreamGenerateContent)
            {
                // /v1beta/models/{model}:generateContent (or the Vertex form, with the model last before the colon).
                var colon = path.LastIndexOf(':');
                var slash = path.LastIndexOf('/', colon);
                exchange.AiCall.Model = path[(slash + 1)..colon];
            }
        }

        AddEvidence(exchange, headers.OpenAiOrganization, "openai", "request-header:openai-organization", "org_id");
        AddEvidence(exchange, headers.OpenAiProject, "openai", "request-header:openai-project", "project_id");
        AddEvidence(exchange, headers.ChatGptAccountId, "openai", "request-header:chatgpt-account-id", "workspace_id");
        AddEvidence(exchange, headers.AnthropicAllowedOrgIds, "anthropic", "request-header:anthropic-allowed-org-ids", "allowed_org_ids");
        AddEvidence(exchange, headers.ChatGptAllowedWorkspaceId, "openai", "request-header:chatgpt-allowed-workspace-id", "allowed_workspace_id");
        AddEvidence(exchange, headers.OpenAiAllowedOrganizationIds, "openai", "request-header:openai-allowed-organization-ids", "allowed_org_ids");

        if (route == AiApiRoute.ClaudeWeb)
        {
            if (OrganizationPath().Match(path) is { Success: true } match)
            {
                exchange.Evidence.Add(new TenantEvidence("anthropic", "url-path:/api/organizations/<org-uuid>", "org_id", match.Groups[1].Value));
            }

            if (CredentialReader.CookieValue(headers.Cookie, "lastActiveOrg") is { Length: > 0 } org)
            {
                exchange.Evidence.Add(new TenantEvidence("anthropic", "request-cookie:lastActiveOrg", "org_id", org));
            }
        }

        if (route == AiApiRoute.ChatGptWeb && exchange.Credential is { Kind: "jwt" } && headers.Authorization is { } authorization)
        {
            ReadChatGptJwt(exchange, authorization[(authorization.IndexOf(' ') + 1)..].Trim());
        }
    }

    public void OnRequestComplete(HttpExchange exchange)
    {
        if (exchange.AiCall is not { } call || exchange.RequestBody.Length == 0)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(exchange.RequestBody.Content, new JsonDocumentOptions { MaxDepth = JsonRpcLimits.MaxDepth });
            ReadRequestBody(call, document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Truncated or not JSON: the call stays known by its route alone.
        }
    }

    public void OnResponseHeaders(HttpExchange exchange)
    {
        // One pass over the answer's headers for the three names (the first of each, as HttpHeaderList.Get gives).
        string? organizationId = null, organization = null, project = null;
        foreach (var header in exchange.ResponseHeaders)
        {
            switch (header.Name)
            {
                case AnthropicOrgHeader:
                    organizationId ??= header.Value;
                    break;
                case "openai-organization":
                    organization ??= header.Value;
                    break;
                case "openai-project":
                    project ??= header.Value;
                    break;
            }
        }

        AddEvidence(exchange, organizationId, "anthropic", "response-header:" + AnthropicOrgHeader, "org_id");
        AddEvidence(exchange, organization, "openai", "response-header:openai-organization", "org_id");
        AddEvidence(exchange, project, "openai", "response-header:openai-project", "project_id");
        if (exchange.AiCall is not null && exchange.ResponseIsEventStream && _streams.Count < MaxOpenStreams)
        {
            exchange.AiCall.Stream = true;
            var join = _context?.Payloads.HasInspectors == true ? FormatOf(exchange.AiCall.Api) : null;
            _streams[exchange] = new StreamedCompletion(join);
        }
    }

    public void OnBodyData(HttpExchange exchange, Direction direction, ReadOnlySpan<byte> decoded)
    {
        if (direction != Direction.ToClient || !_streams.TryGetValue(exchange, out var completion) || exchange.AiCall is not { } call)
        {
            return;
        }

        var reader = completion.Reader;
        while (reader.Read(ref decoded) is var status && status != SseReadStatus.NeedMoreData)
        {
            if (status != SseReadStatus.Event)
            {
                continue;
            }

            var data = reader.Current.Data;
            if (call.Model is null)
            {
                call.Model = StreamedModel(data);
            }

            if (completion.OnEvent(data) && _context is { } context)
            {
                context.Anomalies.Report(AnomalyKind.AiCompletionTextCap, context.Clock.NowMicros, exchange.Flow, completion.TextBytes);
            }
        }
    }

    public void OnResponseComplete(HttpExchange exchange, bool ended)
    {
        if (_streams.Remove(exchange, out var completion))
        {
            InspectCompletion(exchange, completion);
        }

        if (RestrictionVendor(exchange.RequestHeaders) is { } vendor && exchange.Status is { } status)
        {
            var blocked = status == 403;
            exchange.Evidence.Add(new TenantEvidence(
                vendor,
                blocked && BodyContains(exchange, "tenant_restriction_violation"u8) ? "response-body:error.error_code" : "response-status",
                "tenant_restriction_result",
                blocked ? "blocked" : "allowed"));
        }

        if (exchange.ResponseIsEventStream || exchange.ResponseBody.Length == 0)
        {
            return;
        }

        var route = AiApiRoutes.Classify(exchange.Host ?? string.Empty, Path(exchange.Target));
        if (route is not (AiApiRoute.AnthropicOAuthProfile or AiApiRoute.CopilotTokenExchange))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(exchange.ResponseBody.Content);
            var root = document.RootElement;
            if (route == AiApiRoute.AnthropicOAuthProfile && Member(root, "organization") is { } organization &&
                Text(organization, "organization_type") is { } type)
            {
                exchange.Evidence.Add(new TenantEvidence("anthropic", "response-body:organization.organization_type", "plan", type));
            }
            else if (route == AiApiRoute.CopilotTokenExchange && Member(root, "endpoints") is { } endpoints &&
                Text(endpoints, "api") is { } api && Uri.TryCreate(api, UriKind.Absolute, out var uri))
            {
                exchange.Evidence.Add(new TenantEvidence("github-copilot", "response-body:endpoints.api (copilot plan host)", "plan_host", uri.Host));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not the JSON the vendor sends: no evidence.
        }
    }

    /// <summary>The joined answer text to the detectors, located like the body it came in (labels and events name it <c>response-body</c>).</summary>
    private void InspectCompletion(HttpExchange exchange, StreamedCompletion completion)
    {
        if (_context is not { } context || !context.Payloads.HasInspectors)
        {
            return;
        }

        var text = completion.Text();
        if (!text.IsEmpty)
        {
            context.Payloads.Inspect(new PayloadSource(exchange.Flow, Direction.ToClient, PayloadLocation.ResponseBody, exchange, CompletionContentType, context.Clock.NowMicros), text);
        }
    }

    /// <summary>The streamed-answer shape of an AI call (<see cref="AiApiRoutes.ApiName"/>), null for calls that stream no completion text.</summary>
    private static CompletionFormat? FormatOf(string api) => api switch
    {
        "anthropic.messages" => CompletionFormat.AnthropicMessages,
        "openai.chat_completions" or "together.chat_completions" or "copilot.chat_completions" => CompletionFormat.OpenAiChat,
        "openai.responses" => CompletionFormat.OpenAiResponses,
        "gemini.generate_content" or "gemini.stream_generate_content" => CompletionFormat.Gemini,
        _ => null,
    };

    private static void ReadRequestBody(AiApiCall call, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        call.Model ??= Text(root, "model");
        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            call.Stream = true;
        }

        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                ReadTool(call, tool);
            }
        }

        // Anthropic MCP connector: mcp_servers[{type:"url", url, name, authorization_token}] (the token is not kept).
        if (root.TryGetProperty("mcp_servers", out var servers) && servers.ValueKind == JsonValueKind.Array)
        {
            foreach (var server in servers.EnumerateArray())
            {
                if (Text(server, "url") is { } url)
                {
                    call.McpServerUrls.Add(url);
                }
            }
        }
    }

    private static void ReadTool(AiApiCall call, JsonElement tool)
    {
        if (tool.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // OpenAI Responses remote MCP: {type:"mcp", server_label, server_url}.
        if (Text(tool, "type") == "mcp" && Text(tool, "server_url") is { } serverUrl)
        {
            call.McpServerUrls.Add(serverUrl);
        }

        // Gemini: {functionDeclarations:[{name}]}.
        if (tool.TryGetProperty("functionDeclarations", out var declarations) && declarations.ValueKind == JsonValueKind.Array)
        {
            foreach (var declaration in declarations.EnumerateArray())
            {
                if (Text(declaration, "name") is { } declared)
                {
                    call.Tools.Add(declared);
                }
            }

            return;
        }

        // Anthropic {name}, OpenAI Chat {type:"function", function:{name}}, Responses {type, name}, server tools by type.
        var name = Text(tool, "name") ?? (Member(tool, "function") is { } function ? Text(function, "name") : null) ?? Text(tool, "type");
        if (name is not null)
        {
            call.Tools.Add(name);
        }
    }

    // message_start.message.model (Anthropic), chunk.model (OpenAI), modelVersion (Gemini).
    private static string? StreamedModel(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[0] != (byte)'{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            var root = document.RootElement;
            return Text(root, "model") ?? Text(root, "modelVersion") ?? (Member(root, "message") is { } message ? Text(message, "model") : null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void ReadChatGptJwt(HttpExchange exchange, string token)
    {
        if (CredentialReader.JwtPayload(token) is not { } payload)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            if (Member(document.RootElement, "https://api.openai.com/auth") is not { } auth)
            {
                return;
            }

            if (Text(auth, "chatgpt_plan_type") is { } plan)
            {
                exchange.Evidence.Add(new TenantEvidence("openai", "jwt:chatgpt_plan_type", "plan", plan));
            }

            if (Text(auth, "chatgpt_account_id") is { } account)
            {
                exchange.Evidence.Add(new TenantEvidence("openai", "jwt:chatgpt_account_id", "account_id", account));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A token that only looks like a JWT.
        }
    }

    private static void AddEvidence(HttpExchange exchange, string? value, string vendor, string source, string kind)
    {
        if (value is { Length: > 0 })
        {
            exchange.Evidence.Add(new TenantEvidence(vendor, source, kind, value));
        }
    }

    /// <summary>
    /// The vendor whose tenant-restriction header the request carries (<c>anthropic</c> if its header is among them,
    /// else <c>openai</c>), or null without one: one pass over the headers.
    /// </summary>
    private static string? RestrictionVendor(HttpHeaderList headers)
    {
        string? vendor = null;
        foreach (var header in headers)
        {
            switch (header.Name)
            {
                case "anthropic-allowed-org-ids" when header.Value is not null:
                    return "anthropic";
                case "chatgpt-allowed-workspace-id" or "openai-allowed-organization-ids" when header.Value is not null:
                    vendor = "openai";
                    break;
            }
        }

        return vendor;
    }

    private static bool BodyContains(HttpExchange exchange, ReadOnlySpan<byte> text) => exchange.ResponseBody.Content.Span.IndexOf(text) >= 0;

    private static string Path(string? target)
    {
        if (string.IsNullOrEmpty(target))
        {
            return "/";
        }

        if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out var uri))
        {
            target = uri.PathAndQuery;
        }

        var q = target.IndexOf('?');
        return q < 0 ? target : target[..q];
    }

    private static JsonElement? Member(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("^/api/organizations/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:/|$)")]
    private static partial Regex OrganizationPath();
}
