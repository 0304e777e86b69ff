namespace Sensor.Inspection.Catalog;

/// <summary>
/// A catalog host pattern matched label by label: <c>*.example.com</c> (one or more leading labels),
/// <c>mcp.*</c> (one or more trailing labels), or <c>*</c> inside a label (<c>*-aiplatform.googleapis.com</c>,
/// <c>bedrock-runtime.*.amazonaws.com</c>). Case-insensitive; matched once per flow, never per packet.
/// </summary>
internal sealed class HostPattern
{
    private readonly string[] _labels;
    private readonly bool _anyPrefix;
    private readonly bool _anySuffix;

    public HostPattern(string pattern)
    {
        Pattern = pattern;
        var labels = pattern.ToLowerInvariant().Split('.');
        _anyPrefix = labels.Length > 1 && labels[0] == "*";
        _anySuffix = labels.Length > 1 && labels[^1] == "*";
        _labels = labels[(_anyPrefix ? 1 : 0)..(labels.Length - (_anySuffix ? 1 : 0))];
        Specificity = pattern.Replace("*", "", StringComparison.Ordinal).Length;
    }

    public string Pattern { get; }

    /// <summary>Literal characters in the pattern: the more, the more specific (wins over shorter matches).</summary>
    public int Specificity { get; }

    public bool Matches(string host)
    {
        var labels = host.ToLowerInvariant().Split('.');
        var extra = labels.Length - _labels.Length;
        if (extra < 0 || (extra > 0 && !_anyPrefix && !_anySuffix) || (extra == 0 && (_anyPrefix || _anySuffix)))
        {
            return false;
        }

        // With a wildcard at one end, the fixed labels sit at the other end.
        var offset = _anyPrefix ? extra : 0;
        if (_anyPrefix && _anySuffix)
        {
            for (var start = 1; start < extra; start++)
            {
                if (LabelsMatch(labels, start))
                {
                    return true;
                }
            }

            return false;
        }

        return LabelsMatch(labels, offset);
    }

    private bool LabelsMatch(string[] labels, int offset)
    {
        for (var i = 0; i < _labels.Length; i++)
        {
            // A host has no empty labels: a lone '*' label stands for at least one character.
            if (labels[offset + i].Length == 0 || !Glob(_labels[i], labels[offset + i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>'*' matches any run of characters within one label.</summary>
    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        var star = pattern.IndexOf('*');
        if (star < 0)
        {
            return pattern.SequenceEqual(text);
        }

        if (!text.StartsWith(pattern[..star]))
        {
            return false;
        }

        var rest = pattern[(star + 1)..];
        for (var i = star; i <= text.Length; i++)
        {
            if (Glob(rest, text[i..]))
            {
                return true;
            }
        }

        return false;
    }
}
