using Sensor.Tenancy.Features;

namespace Sensor.Host.Commands;

/// <summary>
/// <c>analyze --features FILE [--labels FILE]</c>: one tenant feature row per AI session, for the analyst to label
/// (or labelled from a captures' labels file), then <c>sensor train</c> / <c>sensor eval</c>.
/// </summary>
internal sealed class FeatureExport : IDisposable
{
    private readonly FeatureRowFile.Writer? _writer;
    private readonly CaptureLabels? _labels;
    private readonly string? _path;
    private int _labelled;

    private FeatureExport(FeatureRowFile.Writer? writer, CaptureLabels? labels, string? path)
    {
        _writer = writer;
        _labels = labels;
        _path = path;
    }

    /// <summary>The capture file being read: rows name it unless a label names the scenario.</summary>
    public string Capture { get; set; } = "";

    public Action<TenantFeatures>? Rows => _writer is null ? null : Write;

    /// <summary>An export (possibly none); null after printing why it cannot be opened.</summary>
    public static FeatureExport? Open(string? path, string? labelsPath, TextWriter error)
    {
        if (path is null)
        {
            if (labelsPath is not null)
            {
                error.WriteLine("sensor analyze: --labels needs --features");
                return null;
            }

            return new FeatureExport(null, null, null);
        }

        CaptureLabels? labels = null;
        if (labelsPath is not null)
        {
            var errors = new List<string>();
            labels = CaptureLabels.Load(labelsPath, errors);
            if (labels is null)
            {
                error.WriteLine("sensor analyze: --labels " + string.Join("; ", errors));
                return null;
            }
        }

        try
        {
            return new FeatureExport(new FeatureRowFile.Writer(new StreamWriter(path), FeatureRowFile.IsCsv(path)), labels, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"sensor analyze: --features {path}: cannot write ({e.GetType().Name})");
            return null;
        }
    }

    public void Describe(List<string> notes)
    {
        if (_writer is not null)
        {
            notes.Add($"{_writer.Rows} tenant feature row(s) written to {_path}" + (_labels is null ? "" : $", {_labelled} labelled"));
        }
    }

    public void Dispose() => _writer?.Dispose();

    private void Write(TenantFeatures row)
    {
        row.Capture = Capture;
        if (_labels?.Apply(row) == true)
        {
            _labelled++;
        }

        _writer!.Write(row);
    }
}
