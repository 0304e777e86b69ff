namespace Sensor.Threats;

/// <summary>
/// <c>finding.type</c> values for <c>mcp_threat</c> findings: the vocabulary of the shared captures' "Threats" table
/// (../shared/pcaps/README.md), plus <see cref="RugPull"/> which the table does not cover.
/// </summary>
public static class ThreatTypes
{
    public const string Category = "mcp_threat";

    public const string ToolPoisoning = "tool_poisoning";
    public const string RugPull = "rug_pull";
    public const string BccToExternalAddress = "bcc_to_external_address";
    public const string CredentialExfiltration = "credential_exfiltration_via_tool_argument";
    public const string UntrustedServer = "untrusted_mcp_server";
    public const string IndirectPromptInjection = "indirect_prompt_injection";
    public const string ExfiltrationAfterInjection = "exfiltration_after_injection";
    public const string LocalExecAfterInjection = "local_exec_after_injection";
    public const string HeaderBodyMismatch = "mcp_header_body_mismatch";
    public const string UnauthenticatedServer = "unauthenticated_mcp_server";
}
