using System.Text.Json;

namespace Sensor.Tenancy.Features;

/// <summary>
/// Ground-truth tenants from a labels file in the shared captures' format (<c>flows[].five_tuple</c>,
/// <c>flows[].tenant</c>, <c>flows[].scenario</c>), to label exported feature rows for training and evaluation.
/// </summary>
public sealed class CaptureLabels
{
    // A five-tuple can repeat within one merged capture (ports are reused): the first timestamp tells them apart.
    private readonly Dictionary<string, List<(double FirstTs, string Tenant, string Scenario)>> _byTuple = new(StringComparer.Ordinal);

    public static CaptureLabels? Load(string path, List<string> errors)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var labels = new CaptureLabels();
            foreach (var flow in document.RootElement.GetProperty("flows").EnumerateArray())
            {
                var tuple = flow.GetProperty("five_tuple").GetString();
                var tenant = flow.TryGetProperty("tenant", out var t) ? t.GetString() : null;
                var scenario = flow.TryGetProperty("scenario", out var s) ? s.GetString() : null;
                var first = flow.TryGetProperty("first_ts", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetDouble() : 0;
                if (tuple is not null && tenant is not null)
                {
                    if (!labels._byTuple.TryGetValue(tuple, out var list))
                    {
                        labels._byTuple[tuple] = list = [];
                    }

                    list.Add((first, tenant, scenario ?? ""));
                }
            }

            return labels;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            errors.Add($"{path}: not a labels file ({e.Message})");
            return null;
        }
    }

    public int Count => _byTuple.Count;

    /// <summary>Fills <see cref="TenantFeatures.LabelTenant"/> (and the capture group from the flow's scenario) for a labelled flow.</summary>
    public bool Apply(TenantFeatures row)
    {
        if (!_byTuple.TryGetValue(row.FiveTuple, out var candidates))
        {
            return false;
        }

        var start = row.StartMicros / 1e6;
        var label = candidates.MinBy(c => Math.Abs(c.FirstTs - start));

        row.LabelTenant = label.Tenant;
        row.Label = label.Tenant == "personal";
        // Scenarios are the unit held-out evaluation splits by, even inside one merged capture.
        if (label.Scenario.Length > 0)
        {
            row.Capture = label.Scenario;
        }

        return true;
    }
}
