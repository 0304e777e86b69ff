using System.Text.Json;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Security;

namespace Sensor.Threats;

/// <summary>tools/call requests (recipients, credentials, chains) and tool results (indirect prompt injection).</summary>
public sealed partial class McpThreatDetector
{
    private void CheckToolCall(McpMessage message, JsonElement parameters)
    {
        var tool = parameters.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : message.ToolName;
        if (tool is null || !parameters.TryGetProperty("arguments"u8, out var arguments) || arguments.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var client = message.Flow.SourceText;
        var injection = _state.Injections.OnToolCall(message.SessionId, client, message.TimestampMicros);

        // Recipients: a hidden copy outside the company is a finding by itself; any outside recipient right after an
        // injection is the exfiltration the injection asked for.
        string? firstExternal = null;
        var isMailTool = ToolKinds.IsMailTool(tool);
        var findings = 0;
        foreach (var argument in arguments.EnumerateObject())
        {
            if (!ToolKinds.IsRecipientArgument(argument.Name))
            {
                continue;
            }

            isMailTool = true;
            _addresses.Clear();
            EmailAddresses.Collect(argument.Value, _addresses);
            foreach (var address in _addresses)
            {
                if (!_state.Corporate.IsExternalAddress(address))
                {
                    continue;
                }

                firstExternal ??= address;
                if (ToolKinds.IsHiddenCopyArgument(argument.Name) && findings++ < MaxFindingsPerMessage)
                {
                    Report(message, ThreatTypes.BccToExternalAddress, "high", "mcp:tools/call.arguments." + argument.Name, new ThreatDetails
                    {
                        Tool = tool,
                        Argument = argument.Name,
                        Value = SecretRedaction.Address(address),
                        SessionId = message.SessionId,
                    });
                }
            }
        }

        var chained = false;
        if (injection is not null)
        {
            if (isMailTool && firstExternal is not null)
            {
                chained = true;
                Report(message, ThreatTypes.ExfiltrationAfterInjection, "critical", "mcp:tools/call.arguments", new ThreatDetails
                {
                    Tool = tool,
                    Value = SecretRedaction.Address(firstExternal),
                    InjectedByHost = injection.Host,
                    InjectedByTool = injection.Tool,
                    SessionId = message.SessionId,
                });
            }
            else if (ToolKinds.IsExecTool(tool) && ToolKinds.Command(arguments) is { } command)
            {
                chained = true;
                Report(message, ThreatTypes.LocalExecAfterInjection, "critical", "mcp:tools/call.arguments", new ThreatDetails
                {
                    Tool = tool,
                    Command = Excerpt(command),
                    InjectedByHost = injection.Host,
                    InjectedByTool = injection.Tool,
                    SessionId = message.SessionId,
                });
            }

            injection.Consumed |= chained;
        }

        // A credential in the arguments of a call already reported as the injection's exfiltration belongs to that
        // finding (the dump it sends); elsewhere it is a finding of its own.
        if (!chained)
        {
            CheckCredentials(message, tool, arguments);
        }
    }

    private void CheckCredentials(McpMessage message, string tool, JsonElement arguments)
    {
        var findings = 0;
        foreach (var argument in arguments.EnumerateObject())
        {
            _credentials.Clear();
            _credentialVisitor.SecretSource = null;
            JsonStrings.Visit(argument.Value, _credentialVisitor);
            var secretSource = _credentialVisitor.SecretSource;
            if (_credentials.Count == 0 || secretSource is null || findings++ >= MaxFindingsPerMessage)
            {
                continue;
            }

            var hit = _credentials[0];
            Report(
                message,
                ThreatTypes.CredentialExfiltration,
                "critical",
                "mcp:tools/call.arguments." + argument.Name,
                new ThreatDetails { Tool = tool, Argument = argument.Name, Evidence = hit.Type, SessionId = message.SessionId },
                SecretRedaction.Preview(hit.FormatPrefix, hit.Length),
                Fingerprint(secretSource.Substring(hit.Index, hit.Length)));
        }
    }

    /// <summary>A tools/call or resources/read result: hidden instructions anywhere in its strings arm the chain tracker.</summary>
    private void CheckToolResult(McpMessage message, JsonElement result)
    {
        _hidden.Clear();
        if (!JsonStrings.Visit(result, _hiddenVisitor))
        {
            _anomalies.Report(AnomalyKind.McpThreatStateCap, message.TimestampMicros, message.Flow);
        }

        if (_hidden.Count == 0)
        {
            return;
        }

        var tool = message.ToolName ?? message.Method ?? "unknown";
        var reported = 0;
        for (var i = 0; i < _hidden.Count && reported < MaxFindingsPerMessage; i++)
        {
            // One finding per kind of hiding per result: the same comment repeated in ten messages is one signal.
            if (_hidden.FindIndex(0, i, h => h.Evidence == _hidden[i].Evidence) >= 0)
            {
                continue;
            }

            reported++;
            Report(message, ThreatTypes.IndirectPromptInjection, "high", "mcp:" + message.Method + ".result", new ThreatDetails
            {
                Tool = tool,
                Evidence = _hidden[i].Evidence,
                HiddenText = Excerpt(_hidden[i].HiddenText),
                SessionId = message.SessionId,
            });
        }

        var host = message.ServerHost ?? message.Flow.DestinationText;
        if (_state.Injections.Remember(message.SessionId, message.Flow.SourceText, new PendingInjection(host, tool, message.SessionId, message.TimestampMicros)))
        {
            _anomalies.Report(AnomalyKind.McpThreatStateCap, message.TimestampMicros, message.Flow);
        }
    }

    /// <summary>The credentials in an argument's strings: the first string holding any is the secret's source.</summary>
    private sealed class CredentialVisitor(List<CredentialHit> credentials) : JsonStringVisitor
    {
        public string? SecretSource { get; set; }

        public override bool MayMatch(ReadOnlySpan<char> text) => credentials.Count == 0 && CredentialSniffer.MayContain(text);

        public override void Visit(string text)
        {
            CredentialSniffer.Find(text, credentials);
            SecretSource = credentials.Count > 0 ? text : null;
        }
    }

    /// <summary>Hidden content anywhere in a result's strings.</summary>
    private sealed class HiddenVisitor(List<HiddenMatch> hidden) : JsonStringVisitor
    {
        public override bool MayMatch(ReadOnlySpan<char> text) => HiddenContent.MayHide(text);

        public override void Visit(string text) => HiddenContent.Find(text, hidden);
    }
}
