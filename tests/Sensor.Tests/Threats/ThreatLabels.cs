using Sensor.Core.Security;
using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Threats;

/// <summary>
/// Compares threat findings with a capture's labels (../shared/pcaps/README.md "Threats"): both sides reduced to one
/// key per threat, per flow (tcp stream), so a missing, extra or mis-typed finding shows up as a set difference.
/// </summary>
internal static class ThreatLabels
{
    /// <summary>Labelled threat keys per tcp stream (every labelled flow present, most with an empty set).</summary>
    public static Dictionary<int, SortedSet<string>> Expected(string scenario, string streamField = "tcp_stream")
    {
        using var labels = JsonDocument.Parse(File.ReadAllBytes(SharedInputs.Pcap(scenario + ".labels.json")));
        var expected = new Dictionary<int, SortedSet<string>>();
        foreach (var flow in labels.RootElement.GetProperty("flows").EnumerateArray())
        {
            var keys = expected[flow.GetProperty(streamField).GetInt32()] = new SortedSet<string>(StringComparer.Ordinal);
            if (!flow.TryGetProperty("threats", out var threats) || threats.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var threat in threats.EnumerateArray())
            {
                keys.Add(Key(
                    S(threat, "type")!,
                    S(threat, "tool") ?? (threat.TryGetProperty("via", out _) ? "via:mail-api" : null),
                    S(threat, "host"),
                    // Addresses are written by their domain only (the mailbox may be a planted value).
                    S(threat, "value") is { } value && value.Contains('@', StringComparison.Ordinal) ? SecretRedaction.Address(value) : S(threat, "value"),
                    S(threat, "argument"),
                    S(threat, "evidence") is { } evidence && S(threat, "type") == "indirect_prompt_injection" ? evidence : null,
                    threat.TryGetProperty("injected_by", out var by) ? S(by, "host") + "/" + S(by, "tool") : null,
                    threat.TryGetProperty("methods", out var methods) ? string.Join(",", methods.EnumerateArray().Select(m => m.GetString()).Order(StringComparer.Ordinal)) : null));
            }
        }

        return expected;
    }

    /// <summary>The same keys built from findings (unauthenticated findings of one flow merged, as the label lists the methods together).</summary>
    public static Dictionary<int, SortedSet<string>> Found(IEnumerable<FindingEvent> findings, Func<FindingEvent, int> stream)
    {
        var found = new Dictionary<int, SortedSet<string>>();
        foreach (var group in findings.GroupBy(stream))
        {
            var keys = found[group.Key] = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var finding in group.Where(f => f.Type != "unauthenticated_mcp_server"))
            {
                var t = finding.Threat!;
                keys.Add(Key(
                    finding.Type,
                    t.Via is not null ? "via:mail-api" : t.Tool,
                    finding.Type == "untrusted_mcp_server" ? t.Value : null,
                    finding.Type is "bcc_to_external_address" or "exfiltration_after_injection" ? t.Value : null,
                    finding.Type == "credential_exfiltration_via_tool_argument" ? t.Argument : null,
                    finding.Type == "indirect_prompt_injection" ? t.Evidence : null,
                    t.InjectedByHost is null ? null : t.InjectedByHost + "/" + t.InjectedByTool,
                    null));
            }

            var unauthenticated = group.Where(f => f.Type == "unauthenticated_mcp_server").ToList();
            if (unauthenticated.Count > 0)
            {
                keys.Add(Key("unauthenticated_mcp_server", null, unauthenticated[0].Threat!.Value, null, null, null, null,
                    string.Join(",", unauthenticated.SelectMany(f => f.Threat!.Methods!).Distinct().Order(StringComparer.Ordinal))));
            }
        }

        return found;
    }

    private static string Key(string type, string? tool, string? host, string? value, string? argument, string? evidence, string? injectedBy, string? methods) =>
        string.Join("|", new[] { type, tool, host, value, argument, evidence, injectedBy, methods }.Select(p => p ?? "-"));

    private static string? S(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
