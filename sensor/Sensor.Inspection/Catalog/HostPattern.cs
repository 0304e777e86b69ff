using System.Text.RegularExpressions;

namespace Sensor.Inspection.Catalog;

/// <summary>
/// A catalog host pattern: <c>*.example.com</c> (any subdomain), <c>mcp.*</c> (any suffix), or a <c>*</c>
/// inside a label (<c>*-aiplatform.googleapis.com</c>, <c>bedrock-runtime.*.amazonaws.com</c>).
/// Compiled once at load; matched once per flow, never per packet.
/// </summary>
internal sealed class HostPattern
{
    private readonly Regex _regex;

    public HostPattern(string pattern)
    {
        Pattern = pattern;
        var labels = pattern.Split('.');
        var parts = new List<string>(labels.Length);
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label == "*" && (i == 0 || i == labels.Length - 1))
            {
                parts.Add(@"[^/]+"); // one or more labels at either end
            }
            else
            {
                parts.Add(string.Join("[^./]*", label.Split('*').Select(Regex.Escape)));
            }
        }

        _regex = new Regex("^" + string.Join(@"\.", parts) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        Specificity = pattern.Replace("*", "", StringComparison.Ordinal).Length;
    }

    public string Pattern { get; }

    /// <summary>Literal characters in the pattern: the more, the more specific (wins over shorter matches).</summary>
    public int Specificity { get; }

    public bool Matches(string host) => _regex.IsMatch(host);
}
