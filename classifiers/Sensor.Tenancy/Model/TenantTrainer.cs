using Microsoft.ML;
using Microsoft.ML.Trainers;
using Sensor.Tenancy.Features;

namespace Sensor.Tenancy.Model;

/// <summary>
/// Trains the tenant model: one-hot categorical features and log-scaled numbers, min-max normalised, into
/// SDCA logistic regression, whose output is a calibrated probability (managed trainer, no native code).
/// Held-out evaluation splits by capture/scenario, never by row: flows of one scenario share clients and keys,
/// so a row split would score the model on near-copies of its training rows.
/// </summary>
public static class TenantTrainer
{
    /// <summary>One seed for ML.NET, the split and SDCA's shuffling: the shipped model is reproducible.</summary>
    public const int Seed = 20261124;

    /// <summary>Rows usable for training and evaluation: labelled enterprise or personal (mixed and unknown say nothing).</summary>
    public static List<TenantFeatures> Labelled(IEnumerable<TenantFeatures> rows) =>
        [.. rows.Where(r => r.LabelTenant is "enterprise" or "personal").Select(r => { r.Label = r.LabelTenant == "personal"; return r; })];

    /// <summary>
    /// Splits by capture: captures shuffled with <paramref name="seed"/>, the first <paramref name="holdoutFraction"/> of them
    /// (at least one when the fraction is positive and there are two or more) held out.
    /// </summary>
    public static (List<TenantFeatures> Train, List<TenantFeatures> HeldOut, List<string> HeldOutCaptures) SplitByCapture(
        IReadOnlyList<TenantFeatures> rows, double holdoutFraction, int seed = Seed)
    {
        var captures = rows.Select(r => r.Capture).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var random = new Random(seed);
        var shuffled = captures.OrderBy(_ => random.Next()).ToList();
        var count = holdoutFraction <= 0 || captures.Count < 2 ? 0 : Math.Clamp((int)Math.Round(holdoutFraction * captures.Count), 1, captures.Count - 1);
        var held = new HashSet<string>(shuffled.Take(count), StringComparer.Ordinal);
        return ([.. rows.Where(r => !held.Contains(r.Capture))], [.. rows.Where(r => held.Contains(r.Capture))], [.. held.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Fits the pipeline on <paramref name="rows"/> (both classes needed) and saves it to <paramref name="path"/>.</summary>
    public static TenantModel Train(IReadOnlyList<TenantFeatures> rows, string path)
    {
        if (!rows.Any(r => r.Label) || rows.All(r => r.Label))
        {
            throw new InvalidOperationException("training needs rows of both tenants (personal and enterprise)");
        }

        var ml = new MLContext(seed: Seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var encoded = TenantFeatures.CategoricalColumns.Select(c => new InputOutputColumnPair(c + "Encoded", c)).ToArray();
        var pipeline = ml.Transforms.Categorical.OneHotEncoding(encoded)
            .Append(ml.Transforms.Concatenate("Features", [.. encoded.Select(p => p.OutputColumnName), .. TenantFeatures.NumericColumns]))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(TenantFeatures.Label),
                FeatureColumnName = "Features",
                // One thread: SDCA's result then depends only on the seed, so the shipped model is reproducible.
                NumberOfThreads = 1,
                MaximumNumberOfIterations = 200,
                // Few rows per scenario: a firm L2 keeps the model from memorising single flows.
                L2Regularization = 0.1f,
            }));
        var model = pipeline.Fit(data);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        ml.Model.Save(model, data.Schema, path);
        return TenantModel.FromTransformer(ml, model);
    }
}
