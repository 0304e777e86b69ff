using System.Text.Json;
using Sensor.Core.Diagnostics;
using Sensor.Core.Payloads;
using Sensor.Core.Events;

namespace Sensor.Threats;

/// <summary>tools/list answers: hidden instructions in descriptions (tool poisoning) and changed definitions (rug pull).</summary>
public sealed partial class McpThreatDetector
{
    private void CheckToolList(McpMessage message, JsonElement result)
    {
        if (!result.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var findings = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var name = nameElement.GetString()!;
            if (findings < MaxFindingsPerMessage && CheckToolPoisoning(message, tool, name))
            {
                findings++;
            }

            if (message.ServerHost is { } host && findings < MaxFindingsPerMessage && CheckRugPull(message, tool, host, name))
            {
                findings++;
            }
        }
    }

    private bool CheckToolPoisoning(McpMessage message, JsonElement tool, string name)
    {
        _rules.Clear();
        string? argument = null;
        string? hiddenText = null;
        if (tool.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
        {
            hiddenText = CheckDescription(description.GetString()!);
        }

        // Parameter descriptions are read by the model too (Invariant's "sidenote" examples hide there as well).
        if (tool.TryGetProperty("inputSchema", out var schema) && schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("description", out var parameterDescription)
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

        if (_rules.Count == 0)
        {
            return false;
        }

        Report(message, ThreatTypes.ToolPoisoning, "high", argument is null ? "mcp:tools/list.description" : "mcp:tools/list.inputSchema.description", new ThreatDetails
        {
            Tool = name,
            Argument = argument,
            Evidence = _rules[0],
            Rules = [.. _rules],
            HiddenText = hiddenText is null ? null : Excerpt(hiddenText),
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

    private bool CheckRugPull(McpMessage message, JsonElement tool, string host, string name)
    {
        var hash = ToolDefinitionHash.Compute(tool);
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
}
