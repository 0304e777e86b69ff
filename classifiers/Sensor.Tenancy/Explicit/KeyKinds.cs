namespace Sensor.Tenancy.Explicit;

/// <summary>
/// What a credential's format prefix says about the seat behind it (../shared/pcaps/README.md credential_kind,
/// reference.md key formats): an Anthropic <c>sk-ant-oat01</c> is a subscription login (Pro/Max/Team), an
/// <c>sk-ant-sid01</c> a claude.ai browser session, <c>sk-svcacct</c> an OpenAI service account (always an
/// organisation's), <c>sk-proj</c> a project key. A model feature, and the <c>key_kind</c> of a feature row.
/// </summary>
internal static class KeyKinds
{
    public static string Of(string? formatPrefix) => formatPrefix switch
    {
        null or "" => "none",
        _ when formatPrefix.StartsWith("sk-ant-oat", StringComparison.Ordinal) => "anthropic_subscription",
        _ when formatPrefix.StartsWith("sk-ant-sid", StringComparison.Ordinal) => "anthropic_web_session",
        _ when formatPrefix.StartsWith("sk-ant-api", StringComparison.Ordinal) => "anthropic_api_key",
        _ when formatPrefix.StartsWith("sk-ant-admin", StringComparison.Ordinal) => "anthropic_admin_key",
        _ when formatPrefix.StartsWith("sk-svcacct", StringComparison.Ordinal) => "openai_service_account",
        _ when formatPrefix.StartsWith("sk-proj", StringComparison.Ordinal) => "openai_project_key",
        _ when formatPrefix.StartsWith("sk-", StringComparison.Ordinal) => "openai_user_key",
        _ when formatPrefix.StartsWith("AIza", StringComparison.Ordinal) => "google_api_key",
        _ when formatPrefix.StartsWith("gho_", StringComparison.Ordinal) => "github_oauth",
        _ when formatPrefix.StartsWith("ghp_", StringComparison.Ordinal) || formatPrefix.StartsWith("github_pat_", StringComparison.Ordinal) => "github_pat",
        _ when formatPrefix.StartsWith("tid=", StringComparison.Ordinal) => "copilot_token",
        _ when formatPrefix.StartsWith("eyJ", StringComparison.Ordinal) => "jwt",
        _ => "other",
    };
}
