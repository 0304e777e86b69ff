namespace Sensor.Tenancy.Model;

/// <summary>
/// Metrics of a binary classifier over scored rows, with personal as the positive class: confusion matrix at the
/// threshold, precision, recall, F1, ROC AUC (rank statistic, ties counted half) and the precision–recall curve.
/// Computed here rather than by ML.NET so that one-class test sets give "undefined" instead of an exception.
/// </summary>
public sealed record BinaryMetrics(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives, double Auc, IReadOnlyList<(double Recall, double Precision, double Threshold)> PrCurve, double Threshold)
{
    public int Count => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    public double Precision => TruePositives + FalsePositives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => double.IsNaN(Precision) || double.IsNaN(Recall) || Precision + Recall == 0 ? double.NaN : 2 * Precision * Recall / (Precision + Recall);

    public double Accuracy => Count == 0 ? double.NaN : (double)(TruePositives + TrueNegatives) / Count;

    public static BinaryMetrics Compute(IReadOnlyList<(double Probability, bool Personal)> scored, double threshold)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        foreach (var (p, personal) in scored)
        {
            var predicted = p >= threshold;
            if (predicted && personal) tp++;
            else if (predicted) fp++;
            else if (personal) fn++;
            else tn++;
        }

        return new BinaryMetrics(tp, fp, tn, fn, RankAuc(scored), Curve(scored), threshold);
    }

    /// <summary>P(score of a random positive > score of a random negative); NaN when a class is missing.</summary>
    private static double RankAuc(IReadOnlyList<(double Probability, bool Personal)> scored)
    {
        var positives = scored.Where(s => s.Personal).Select(s => s.Probability).ToList();
        var negatives = scored.Where(s => !s.Personal).Select(s => s.Probability).ToList();
        if (positives.Count == 0 || negatives.Count == 0)
        {
            return double.NaN;
        }

        double wins = 0;
        foreach (var p in positives)
        {
            foreach (var n in negatives)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return wins / ((double)positives.Count * negatives.Count);
    }

    /// <summary>One point per distinct score, highest first: recall and precision when that score is the threshold.</summary>
    private static List<(double, double, double)> Curve(IReadOnlyList<(double Probability, bool Personal)> scored)
    {
        var positives = scored.Count(s => s.Personal);
        var points = new List<(double, double, double)>();
        if (positives == 0)
        {
            return points;
        }

        int tp = 0, fp = 0;
        foreach (var group in scored.GroupBy(s => s.Probability).OrderByDescending(g => g.Key))
        {
            foreach (var (_, personal) in group)
            {
                if (personal) tp++;
                else fp++;
            }

            points.Add(((double)tp / positives, (double)tp / (tp + fp), group.Key));
        }

        return points;
    }
}
