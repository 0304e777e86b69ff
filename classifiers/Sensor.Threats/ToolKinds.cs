using System.Text.Json;

namespace Sensor.Threats;

/// <summary>
/// Recognises the tools whose calls matter for exfiltration: mail senders (by name, or by carrying recipient
/// arguments) and local command runners. Names follow the common MCP servers (send_email, forward_email,
/// gmail_send_message, run_command, execute_command, shell, run_terminal_cmd...).
/// </summary>
internal static class ToolKinds
{
    private static readonly string[] s_mailVerbs = ["send", "forward", "reply", "compose", "draft"];
    // Whole name tokens, so execute_sql or list_commands_history-like names do not count ("exec" does, "execute" does not).
    private static readonly string[] s_execTokens = ["command", "exec", "shell", "bash", "zsh", "sh", "terminal", "powershell", "cmd", "subprocess"];

    /// <summary>Argument names that carry recipients (case-insensitive).</summary>
    private static readonly string[] s_recipientArguments = ["to", "cc", "bcc", "recipients", "recipient", "to_addresses", "cc_addresses", "bcc_addresses", "torecipients", "ccrecipients", "bccrecipients", "emails"];

    /// <summary>Argument names that carry hidden copies: a hidden recipient outside the company is the postmark-mcp pattern.</summary>
    private static readonly string[] s_hiddenCopyArguments = ["bcc", "bcc_addresses", "bccrecipients"];

    private static readonly string[] s_commandArguments = ["command", "cmd", "script", "commandline", "command_line", "args"];

    public static bool IsMailTool(string tool)
    {
        var name = tool.ToLowerInvariant();
        return (name.Contains("mail", StringComparison.Ordinal) || name.Contains("message", StringComparison.Ordinal))
            && s_mailVerbs.Any(v => name.Contains(v, StringComparison.Ordinal));
    }

    public static bool IsExecTool(string tool)
    {
        foreach (var token in tool.ToLowerInvariant().Split(['_', '-', '.', '/', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (s_execTokens.Contains(token))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsRecipientArgument(string name) => s_recipientArguments.Contains(name.ToLowerInvariant());

    public static bool IsHiddenCopyArgument(string name) => s_hiddenCopyArguments.Contains(name.ToLowerInvariant());

    /// <summary>The command an exec tool was asked to run (a string, or an argv array joined by spaces), or null.</summary>
    public static string? Command(JsonElement arguments)
    {
        foreach (var property in arguments.EnumerateObject())
        {
            if (!s_commandArguments.Contains(property.Name.ToLowerInvariant()))
            {
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }

            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                return string.Join(' ', property.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()));
            }
        }

        return null;
    }
}
