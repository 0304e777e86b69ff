using System.Text.Json;
using Sensor.Core.Json;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Events;

namespace Sensor.Threats;

/// <summary>tools/list answers: hidden instructions in descriptions (tool poisoning) and changed definitions (rug pull).</summary>
public sealed partial class McpThreatDetector
{
    private void CheckToolList(McpMessage message, JsonElement result)
    {
        if (!result.TryGetProperty("tools"u8, out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var findings = 0;
        var keys = message.ToolKeys;
        var index = -1;
        foreach (var tool in tools.EnumerateArray())
        {
            if (findings >= MaxFindingsPerMessage)
            {
                break;
            }

            if (tool.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            // The parser's keys count the objects of the list, named or not.
            index++;
            if (!tool.TryGetProperty("name"u8, out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var key = keys is not null && index < keys.Count ? keys[index] : RawJsonKey.Of(tool);
            var verdict = Verdict(tool, nameElement, key);
            if (ReportToolPoisoning(message, verdict))
            {
                findings++;
            }

            if (message.ServerHost is { } host && findings < MaxFindingsPerMessage && CheckRugPull(message, host, verdict))
            {
                findings++;
            }
        }
    }

    /// <summary>
    /// What one tool definition is (name, definition hash) and what it breaks: a server lists the same bytes on every
    /// session, so this is worked out once per definition (keyed by the SHA-256 of its raw text) and then looked up.
    /// </summary>
    private ToolVerdict Verdict(JsonElement tool, JsonElement nameElement, RawJsonKey key)
    {
        if (_verdicts.TryGetValue(key, out var verdict))
        {
            return verdict;
        }

        verdict = ComputeVerdict(tool, nameElement.GetString()!);
        if (_verdicts.Count >= MaxCachedToolVerdicts)
        {
            // A memo, not state: starting it over only costs the work again (no finding changes, so no anomaly).
            _verdicts.Clear();
        }

        _verdicts[key] = verdict;
        return verdict;
    }

    private ToolVerdict ComputeVerdict(JsonElement tool, string name)
    {
        _rules.Clear();
        string? argument = null;
        string? hiddenText = null;
        if (tool.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
        {
            hiddenText = CheckDescription(description.GetString()!);
        }

        // Parameter descriptions are read by the model too (Invariant's "sidenote" examples hide there as well).
        if (tool.TryGetProperty("inputSchema"u8, out var schema) && schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("properties"u8, out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("description"u8, out var parameterDescription)
                    && parameterDescription.ValueKind == JsonValueKind.String)
                {
                    var before = _rules.Count;
                    var hidden = CheckDescription(parameterDescription.GetString()!);
                    if (_rules.Count > before)
                    {
                        argument ??= property.Name;
                        hiddenText ??= hidden;
                    }
                }
            }
        }

        return new ToolVerdict(
            name,
            ToolDefinitionHash.Compute(tool),
            _rules.Count == 0 ? [] : [.. _rules],
            argument,
            _rules.Count == 0 || hiddenText is null ? null : Excerpt(hiddenText));
    }

    private bool ReportToolPoisoning(McpMessage message, ToolVerdict verdict)
    {
        if (verdict.Rules.Length == 0)
        {
            return false;
        }

        Report(message, ThreatTypes.ToolPoisoning, "high", verdict.Argument is null ? "mcp:tools/list.description" : "mcp:tools/list.inputSchema.description", new ThreatDetails
        {
            Tool = verdict.Name,
            Argument = verdict.Argument,
            Evidence = verdict.Rules[0],
            Rules = [.. verdict.Rules],
            HiddenText = verdict.HiddenExcerpt,
            SessionId = message.SessionId,
        });
        return true;
    }

    /// <summary>Adds the rules <paramref name="text"/> breaks to <c>_rules</c>; returns the first hidden text found.</summary>
    private string? CheckDescription(string text)
    {
        ToolPoisoningRules.Check(text, _rules, _hidden);
        return _hidden.Count > 0 ? _hidden[0].HiddenText : null;
    }

    private bool CheckRugPull(McpMessage message, string host, ToolVerdict verdict)
    {
        var hash = verdict.Hash;
        var name = verdict.Name;
        var previous = _state.ToolHashes.Record(host, name, hash, message.SessionId, message.TimestampMicros, out var evicted);
        if (evicted)
        {
            _anomalies.Report(AnomalyKind.McpThreatStateCap, message.TimestampMicros, message.Flow);
        }

        if (previous is null || previous.Hash == hash)
        {
            return false;
        }

        Report(message, ThreatTypes.RugPull, "high", "mcp:tools/list", new ThreatDetails
        {
            Tool = name,
            Value = host,
            Evidence = "tool definition sha256 changed",
            Rules = ["was sha256:" + previous.Hash[..16] + (previous.SessionId is null ? "" : " in session " + previous.SessionId), "now sha256:" + hash[..16]],
            SessionId = message.SessionId,
        });
        return true;
    }

    /// <summary>One tool definition's name, definition hash and the poisoning rules it breaks (empty: none).</summary>
    private sealed record ToolVerdict(string Name, string Hash, string[] Rules, string? Argument, string? HiddenExcerpt);
}
