using Sensor.Core.Payloads;

namespace Sensor.Sessions.AiApi;

/// <summary>
/// The request headers the AI API observer and <see cref="CredentialReader"/> read, found in one pass over the request's
/// headers instead of one scan per name (eleven names, asked of every exchange). Each is the first header of its name,
/// as <see cref="HttpHeaderList.Get"/> gives it.
/// </summary>
internal struct AiRequestHeaders
{
    public string? ApiKey;
    public string? Authorization;
    public string? GoogleApiKey;
    public string? PostmarkServerToken;
    public string? Cookie;
    public string? OpenAiOrganization;
    public string? OpenAiProject;
    public string? ChatGptAccountId;
    public string? AnthropicAllowedOrgIds;
    public string? ChatGptAllowedWorkspaceId;
    public string? OpenAiAllowedOrganizationIds;

    public static AiRequestHeaders Of(HttpHeaderList headers)
    {
        var found = default(AiRequestHeaders);
        foreach (var header in headers)
        {
            switch (header.Name)
            {
                case "x-api-key":
                    found.ApiKey ??= header.Value;
                    break;
                case "authorization":
                    found.Authorization ??= header.Value;
                    break;
                case "x-goog-api-key":
                    found.GoogleApiKey ??= header.Value;
                    break;
                case "x-postmark-server-token":
                    found.PostmarkServerToken ??= header.Value;
                    break;
                case "cookie":
                    found.Cookie ??= header.Value;
                    break;
                case "openai-organization":
                    found.OpenAiOrganization ??= header.Value;
                    break;
                case "openai-project":
                    found.OpenAiProject ??= header.Value;
                    break;
                case "chatgpt-account-id":
                    found.ChatGptAccountId ??= header.Value;
                    break;
                case "anthropic-allowed-org-ids":
                    found.AnthropicAllowedOrgIds ??= header.Value;
                    break;
                case "chatgpt-allowed-workspace-id":
                    found.ChatGptAllowedWorkspaceId ??= header.Value;
                    break;
                case "openai-allowed-organization-ids":
                    found.OpenAiAllowedOrganizationIds ??= header.Value;
                    break;
            }
        }

        return found;
    }
}
