using System.Globalization;
using System.Text.Json;
using Sensor.Host.Cli;
using Sensor.Tenancy.Features;
using Sensor.Tenancy.Model;

namespace Sensor.Host.Commands;

/// <summary>
/// <c>sensor eval --model MODEL --data FILE [--report FILE.html] [--threshold P]</c>: precision, recall, F1, AUC and
/// the confusion matrix on labelled rows, printed and written as an HTML page with the precision–recall curve.
/// Rows of captures the model was trained on (its <c>MODEL.json</c>) are left out: the figures are held-out figures.
/// </summary>
internal static class EvalCommand
{
    public const string Usage = "sensor eval --model MODEL --data FILE [--report FILE.html] [--threshold P] [--include-trained]";

    private static readonly Dictionary<string, string> s_valueOptions = new(StringComparer.Ordinal)
    {
        ["--model"] = "model", ["--data"] = "data", ["--report"] = "report", ["--threshold"] = "threshold",
    };

    private static readonly HashSet<string> s_flags = new(StringComparer.Ordinal) { "--include-trained" };

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var line = CommandLine.Parse(args, s_valueOptions, s_flags, out var parseError);
        var modelPath = line?.Value("model");
        var data = line?.Value("data");
        var threshold = 0.5;
        if (line is null || modelPath is null || data is null || line.Positional.Count > 0
            || (line.Value("threshold") is { } t && (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || threshold is <= 0 or >= 1)))
        {
            error.WriteLine($"sensor eval: {parseError ?? "--model and --data are required; --threshold is in (0, 1)"}");
            error.WriteLine("usage: " + Usage);
            return 2;
        }

        var model = TenantModel.Load(modelPath, out var modelError);
        var errors = new List<string>();
        var rows = model is null ? null : FeatureRowFile.Read(data, errors);
        if (model is null || rows is null)
        {
            error.WriteLine("sensor eval: " + (modelError ?? string.Join("; ", errors)));
            return 2;
        }

        var labelled = TenantTrainer.Labelled(rows);
        var trained = line.Flag("--include-trained") ? [] : TrainedCaptures(modelPath);
        var evaluated = labelled.Where(r => !trained.Contains(r.Capture)).ToList();
        if (evaluated.Count < labelled.Count)
        {
            output.WriteLine($"left out {labelled.Count - evaluated.Count} row(s) of captures the model was trained on");
        }

        if (evaluated.Count == 0)
        {
            error.WriteLine("sensor eval: no labelled (enterprise/personal) rows to evaluate");
            return 1;
        }

        var metrics = BinaryMetrics.Compute([.. evaluated.Select(r => (model.ProbabilityPersonal(r), r.Label))], threshold);
        var title = $"Tenant model evaluation: {Path.GetFileName(modelPath)} on {Path.GetFileName(data)}";
        output.Write(EvalReport.Text(metrics, title));
        var report = line.Value("report") ?? Path.ChangeExtension(data, ".eval.html");
        var captures = string.Join(", ", evaluated.Select(r => r.Capture).Distinct().Order(StringComparer.Ordinal));
        File.WriteAllText(report, EvalReport.Html(metrics, title, $"{evaluated.Count} labelled sessions from captures: {captures}."));
        output.WriteLine($"report written to {report}");
        return 0;
    }

    /// <summary>Captures listed in the model's metadata as training data (none when there is no metadata file).</summary>
    private static HashSet<string> TrainedCaptures(string modelPath)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(modelPath + ".json"));
            if (document.RootElement.TryGetProperty("trained_captures", out var captures))
            {
                foreach (var capture in captures.EnumerateArray())
                {
                    set.Add(capture.GetString() ?? "");
                }
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // No metadata: every row counts.
        }

        return set;
    }
}
