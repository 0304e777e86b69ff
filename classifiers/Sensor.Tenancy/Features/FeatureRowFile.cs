using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sensor.Tenancy.Features;

/// <summary>
/// Feature rows on disk: JSON Lines (one object per line) or CSV with a header line, chosen by the file extension.
/// One column table serves writing and reading, so the two forms cannot drift apart.
/// </summary>
public static class FeatureRowFile
{
    private static readonly (string Name, Func<TenantFeatures, object> Get, Action<TenantFeatures, string> Set)[] s_columns =
    [
        ("capture", r => r.Capture, (r, v) => r.Capture = v),
        ("flow_id", r => r.FlowId, (r, v) => r.FlowId = long.Parse(v, CultureInfo.InvariantCulture)),
        ("community_id", r => r.CommunityId, (r, v) => r.CommunityId = v),
        ("five_tuple", r => r.FiveTuple, (r, v) => r.FiveTuple = v),
        ("start_micros", r => r.StartMicros, (r, v) => r.StartMicros = long.Parse(v, CultureInfo.InvariantCulture)),
        ("host", r => r.Host, (r, v) => r.Host = v),
        ("host_source", r => r.HostSource, (r, v) => r.HostSource = v),
        ("ja4", r => r.Ja4, (r, v) => r.Ja4 = v),
        ("vendor", r => r.Vendor, (r, v) => r.Vendor = v),
        ("service", r => r.Service, (r, v) => r.Service = v),
        ("service_kind", r => r.ServiceKind, (r, v) => r.ServiceKind = v),
        ("client", r => r.Client, (r, v) => r.Client = v),
        ("client_app", r => r.ClientApp, (r, v) => r.ClientApp = v),
        ("auth_kind", r => r.AuthKind, (r, v) => r.AuthKind = v),
        ("key_kind", r => r.KeyKind, (r, v) => r.KeyKind = v),
        ("plan_hint", r => r.PlanHint, (r, v) => r.PlanHint = v),
        ("email_domain", r => r.EmailDomain, (r, v) => r.EmailDomain = v),
        ("org_name_kind", r => r.OrgNameKind, (r, v) => r.OrgNameKind = v),
        ("restriction_header", r => r.RestrictionHeader, (r, v) => r.RestrictionHeader = v),
        ("alpn", r => r.Alpn, (r, v) => r.Alpn = v),
        ("source_net", r => r.SourceNet, (r, v) => r.SourceNet = v),
        ("log_bytes_to_server", r => r.LogBytesToServer, (r, v) => r.LogBytesToServer = Float(v)),
        ("log_bytes_to_client", r => r.LogBytesToClient, (r, v) => r.LogBytesToClient = Float(v)),
        ("log_duration_ms", r => r.LogDurationMs, (r, v) => r.LogDurationMs = Float(v)),
        ("log_requests", r => r.LogRequests, (r, v) => r.LogRequests = Float(v)),
        ("payload_visible", r => r.PayloadVisible, (r, v) => r.PayloadVisible = Float(v)),
        ("mcp", r => r.Mcp, (r, v) => r.Mcp = Float(v)),
        ("verdict", r => r.Verdict, (r, v) => r.Verdict = v),
        ("basis", r => r.Basis, (r, v) => r.Basis = v),
        ("tenant_id", r => r.TenantId, (r, v) => r.TenantId = v),
        ("confidence", r => r.Confidence, (r, v) => r.Confidence = Float(v)),
        ("label", r => r.LabelTenant, (r, v) => r.LabelTenant = v),
    ];

    // Rows are read by people too: keep "->" in five-tuples readable (the file is not embedded in HTML).
    private static readonly JsonWriterOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool IsCsv(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes rows as they come (the analyze command streams them); dispose to flush.</summary>
    public sealed class Writer : IDisposable
    {
        private readonly TextWriter _text;
        private readonly bool _csv;

        public Writer(TextWriter text, bool csv)
        {
            _text = text;
            _csv = csv;
            if (csv)
            {
                _text.WriteLine(string.Join(",", s_columns.Select(c => c.Name)));
            }
        }

        public int Rows { get; private set; }

        public void Write(TenantFeatures row)
        {
            Rows++;
            if (_csv)
            {
                _text.WriteLine(string.Join(",", s_columns.Select(c => CsvField(Text(c.Get(row))))));
                return;
            }

            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, s_json))
            {
                json.WriteStartObject();
                foreach (var (name, get, _) in s_columns)
                {
                    switch (get(row))
                    {
                        case string s: json.WriteString(name, s); break;
                        case long l: json.WriteNumber(name, l); break;
                        case float f: json.WriteNumber(name, Math.Round(f, 5)); break;
                    }
                }

                json.WriteEndObject();
            }

            _text.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }

        public void Dispose() => _text.Dispose();
    }

    public static void WriteAll(string path, IEnumerable<TenantFeatures> rows)
    {
        using var writer = new Writer(new StreamWriter(path), IsCsv(path));
        foreach (var row in rows)
        {
            writer.Write(row);
        }
    }

    /// <summary>Reads rows; a malformed line is an error naming file and line, never skipped silently.</summary>
    public static List<TenantFeatures>? Read(string path, List<string> errors)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: cannot read ({e.GetType().Name})");
            return null;
        }

        var rows = new List<TenantFeatures>();
        string[]? header = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (IsCsv(path))
                {
                    var fields = SplitCsv(line);
                    if (header is null)
                    {
                        header = [.. fields];
                        continue;
                    }

                    rows.Add(FromFields(header.Zip(fields)));
                }
                else
                {
                    using var document = JsonDocument.Parse(line);
                    rows.Add(FromFields(document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()))));
                }
            }
            catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException)
            {
                errors.Add($"{path}:{i + 1}: {e.Message}");
            }
        }

        return errors.Count == 0 ? rows : null;
    }

    private static TenantFeatures FromFields(IEnumerable<(string Name, string Value)> fields)
    {
        var row = new TenantFeatures();
        foreach (var (name, value) in fields)
        {
            foreach (var column in s_columns)
            {
                if (column.Name == name)
                {
                    column.Set(row, value);
                    break;
                }
            }
        }

        row.Label = row.LabelTenant == "personal";
        return row;
    }

    private static float Float(string value) => float.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Text(object value) => value switch
    {
        float f => Math.Round(f, 5).ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => (string)value,
    };

    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
