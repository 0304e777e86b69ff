using Microsoft.ML;
using Microsoft.ML.Data;
using Sensor.Tenancy.Features;

namespace Sensor.Tenancy.Model;

/// <summary>
/// The trained ML.NET model (an ML.NET zip): P(personal) for a session's features. One instance per worker:
/// ML.NET's prediction engine is not thread-safe, and one worker owns its sessions.
/// </summary>
public sealed class TenantModel
{
    private readonly PredictionEngine<TenantFeatures, TenantPrediction> _engine;

    private TenantModel(PredictionEngine<TenantFeatures, TenantPrediction> engine) => _engine = engine;

    /// <summary>Loads <paramref name="path"/>; null with a reason when the file is missing or not a model of these features.</summary>
    public static TenantModel? Load(string path, out string? error)
    {
        error = null;
        try
        {
            var ml = new MLContext(seed: TenantTrainer.Seed);
            using var stream = File.OpenRead(path);
            var transformer = ml.Model.Load(stream, out _);
            return new TenantModel(ml.Model.CreatePredictionEngine<TenantFeatures, TenantPrediction>(transformer));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or ArgumentException)
        {
            error = $"{path}: not a tenant model ({e.GetType().Name}: {e.Message})";
            return null;
        }
    }

    public static TenantModel FromTransformer(MLContext ml, ITransformer transformer) =>
        new(ml.Model.CreatePredictionEngine<TenantFeatures, TenantPrediction>(transformer));

    public double ProbabilityPersonal(TenantFeatures features)
    {
        var probability = _engine.Predict(features).Probability;
        return float.IsNaN(probability) ? 0.5 : probability;
    }
}

/// <summary>The calibrated binary classifier's output columns.</summary>
public sealed class TenantPrediction
{
    [ColumnName("PredictedLabel")]
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }

    public float Score { get; set; }
}
