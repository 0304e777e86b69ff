using System.Globalization;
using System.Text.Json;
using Sensor.Host.Cli;
using Sensor.Tenancy.Features;
using Sensor.Tenancy.Model;

namespace Sensor.Host.Commands;

/// <summary>
/// <c>sensor train --data FILE --out MODEL [--holdout FRACTION] [--seed N]</c>: trains the tenant model on labelled
/// feature rows. Captures (scenarios) are held out whole; the held-out rows go to <c>MODEL.heldout.jsonl</c> and the
/// trained captures to <c>MODEL.json</c>, so <c>sensor eval</c> measures only what the model never saw.
/// </summary>
internal static class TrainCommand
{
    public const string Usage = "sensor train --data FILE --out MODEL [--holdout FRACTION] [--seed N]";

    /// <summary>Share of captures held out by default: 0.3 leaves most scenarios for training on small data sets.</summary>
    private const double DefaultHoldout = 0.3;

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private static readonly Dictionary<string, string> s_valueOptions = new(StringComparer.Ordinal)
    {
        ["--data"] = "data", ["--out"] = "out", ["-o"] = "out", ["--holdout"] = "holdout", ["--seed"] = "seed",
    };

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var line = CommandLine.Parse(args, s_valueOptions, new HashSet<string>(), out var parseError);
        var data = line?.Value("data");
        var outPath = line?.Value("out");
        var holdout = DefaultHoldout;
        var seed = TenantTrainer.Seed;
        if (line is null || data is null || outPath is null || line.Positional.Count > 0
            || (line.Value("holdout") is { } h && (!double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out holdout) || holdout is < 0 or >= 1))
            || (line.Value("seed") is { } s && !int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed)))
        {
            error.WriteLine($"sensor train: {parseError ?? "--data and --out are required; --holdout is a fraction in [0, 1), --seed an integer"}");
            error.WriteLine("usage: " + Usage);
            return 2;
        }

        var errors = new List<string>();
        var rows = FeatureRowFile.Read(data, errors);
        if (rows is null)
        {
            errors.ForEach(e => error.WriteLine("sensor train: " + e));
            return 2;
        }

        var labelled = TenantTrainer.Labelled(rows);
        var (train, heldOut, heldCaptures) = TenantTrainer.SplitByCapture(labelled, holdout, seed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows: {rows.Count}, labelled enterprise/personal: {labelled.Count}, captures: {labelled.Select(r => r.Capture).Distinct().Count()}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training on {train.Count} rows ({train.Count(r => r.Label)} personal), holding out {heldOut.Count} rows of captures: {string.Join(", ", heldCaptures)}"));
        TenantModel model;
        try
        {
            model = TenantTrainer.Train(train, outPath);
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine("sensor train: " + e.Message);
            return 1;
        }

        var meta = new Dictionary<string, object>
        {
            ["trainer"] = "SdcaLogisticRegression (ML.NET, calibrated)",
            ["seed"] = seed,
            ["rows"] = train.Count,
            ["personal_rows"] = train.Count(r => r.Label),
            ["trained_captures"] = train.Select(r => r.Capture).Distinct().Order(StringComparer.Ordinal).ToList(),
            ["held_out_captures"] = heldCaptures,
            ["features"] = TenantFeatures.CategoricalColumns.Concat(TenantFeatures.NumericColumns).ToList(),
        };
        File.WriteAllText(outPath + ".json", JsonSerializer.Serialize(meta, s_indented) + "\n");
        output.WriteLine($"model written to {outPath} (metadata {outPath}.json)");
        if (heldOut.Count > 0)
        {
            FeatureRowFile.WriteAll(outPath + ".heldout.jsonl", heldOut);
            var scored = heldOut.Select(r => (model.ProbabilityPersonal(r), r.Label)).ToList();
            output.Write(EvalReport.Text(BinaryMetrics.Compute(scored, 0.5), $"held-out evaluation ({heldOut.Count} rows, written to {outPath}.heldout.jsonl):"));
        }

        return 0;
    }
}
