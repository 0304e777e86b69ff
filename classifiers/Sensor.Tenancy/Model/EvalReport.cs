using System.Globalization;
using System.Net;
using System.Text;

namespace Sensor.Tenancy.Model;

/// <summary>The metrics as text for the terminal and as a self-contained HTML page (inline SVG precision–recall curve).</summary>
public static class EvalReport
{
    public static string Text(BinaryMetrics m, string title)
    {
        var text = new StringBuilder();
        text.AppendLine(title);
        text.AppendLine(Inv($"rows: {m.Count} (personal {m.TruePositives + m.FalseNegatives}, enterprise {m.TrueNegatives + m.FalsePositives}), threshold {m.Threshold:0.###}"));
        text.AppendLine($"precision: {Format(m.Precision)}");
        text.AppendLine($"recall: {Format(m.Recall)}");
        text.AppendLine($"f1: {Format(m.F1)}");
        text.AppendLine($"auc: {Format(m.Auc)}");
        text.AppendLine($"accuracy: {Format(m.Accuracy)}");
        text.AppendLine("confusion matrix (rows: actual, columns: predicted):");
        text.AppendLine("                 personal  enterprise");
        text.AppendLine(Inv($"  personal     {m.TruePositives,10}  {m.FalseNegatives,10}"));
        text.AppendLine(Inv($"  enterprise   {m.FalsePositives,10}  {m.TrueNegatives,10}"));
        return text.ToString();
    }

    public static string Html(BinaryMetrics m, string title, string details)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n");
        html.Append("<style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .8em;text-align:right}th{background:#eee}</style></head><body>\n");
        html.Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>\n<p>").Append(WebUtility.HtmlEncode(details)).Append("</p>\n");
        html.Append("<h2>Metrics (positive class: personal)</h2>\n<table>\n");
        foreach (var (name, value) in new[] { ("precision", m.Precision), ("recall", m.Recall), ("F1", m.F1), ("ROC AUC", m.Auc), ("accuracy", m.Accuracy) })
        {
            html.Append("<tr><th>").Append(name).Append("</th><td>").Append(Format(value)).Append("</td></tr>\n");
        }

        html.Append(Inv($"<tr><th>rows</th><td>{m.Count}</td></tr><tr><th>threshold</th><td>{m.Threshold:0.###}</td></tr>\n</table>\n"));
        html.Append("<h2>Confusion matrix</h2>\n<table><tr><th>actual \\ predicted</th><th>personal</th><th>enterprise</th></tr>\n");
        html.Append(Inv($"<tr><th>personal</th><td>{m.TruePositives}</td><td>{m.FalseNegatives}</td></tr>\n"));
        html.Append(Inv($"<tr><th>enterprise</th><td>{m.FalsePositives}</td><td>{m.TrueNegatives}</td></tr>\n</table>\n"));
        html.Append("<h2>Precision–recall curve</h2>\n").Append(PrCurveSvg(m)).Append("\n</body></html>\n");
        return html.ToString();
    }

    public static string Format(double value) => double.IsNaN(value) ? "undefined" : value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string PrCurveSvg(BinaryMetrics m)
    {
        const int Size = 320, Margin = 40;
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Size + 2 * Margin}\" height=\"{Size + 2 * Margin}\" role=\"img\" aria-label=\"precision-recall curve\">"));
        svg.Append(Inv($"<rect x=\"{Margin}\" y=\"{Margin}\" width=\"{Size}\" height=\"{Size}\" fill=\"none\" stroke=\"#333\"/>"));
        for (var tick = 0; tick <= 4; tick++)
        {
            var offset = tick * Size / 4;
            var label = (tick / 4.0).ToString("0.00", CultureInfo.InvariantCulture);
            svg.Append(Inv($"<text x=\"{Margin + offset}\" y=\"{Margin + Size + 16}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>"));
            svg.Append(Inv($"<text x=\"{Margin - 6}\" y=\"{Margin + Size - offset + 4}\" font-size=\"11\" text-anchor=\"end\">{label}</text>"));
        }

        svg.Append(Inv($"<text x=\"{Margin + Size / 2}\" y=\"{Margin + Size + 34}\" font-size=\"12\" text-anchor=\"middle\">recall</text>"));
        svg.Append(Inv($"<text x=\"12\" y=\"{Margin + Size / 2}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 12 {Margin + Size / 2})\">precision</text>"));
        if (m.PrCurve.Count > 0)
        {
            // Step from recall 0 at the first point's precision, as average precision counts it.
            var points = new List<string> { Point(0, m.PrCurve[0].Precision) };
            points.AddRange(m.PrCurve.Select(p => Point(p.Recall, p.Precision)));
            svg.Append("<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"").Append(string.Join(' ', points)).Append("\"/>");
            foreach (var p in m.PrCurve)
            {
                svg.Append("<circle r=\"3\" fill=\"#c0392b\" ").Append(Inv($"cx=\"{X(p.Recall)}\" cy=\"{Y(p.Precision)}\"")).Append("><title>")
                    .Append(Inv($"threshold {p.Threshold:0.###}: recall {p.Recall:0.###}, precision {p.Precision:0.###}")).Append("</title></circle>");
            }
        }
        else
        {
            svg.Append(Inv($"<text x=\"{Margin + Size / 2}\" y=\"{Margin + Size / 2}\" text-anchor=\"middle\">no personal rows: curve undefined</text>"));
        }

        svg.Append("</svg>");
        return svg.ToString();

        static double X(double recall) => Math.Round(Margin + recall * Size, 1);
        static double Y(double precision) => Math.Round(Margin + Size - precision * Size, 1);
        static string Point(double recall, double precision) => Inv($"{X(recall)},{Y(precision)}");
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
