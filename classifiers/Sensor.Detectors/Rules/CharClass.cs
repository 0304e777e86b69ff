using System.Buffers;

namespace Sensor.Detectors.Rules;

/// <summary>Parses a character-class body such as <c>A-Za-z0-9_-</c> (a dash is a range only between two letters or digits).</summary>
internal static class CharClass
{
    public static SearchValues<char> Parse(string body)
    {
        var chars = new HashSet<char>();
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (i + 2 < body.Length && body[i + 1] == '-' && char.IsAsciiLetterOrDigit(c) && char.IsAsciiLetterOrDigit(body[i + 2]))
            {
                for (var x = c; x <= body[i + 2]; x++)
                {
                    chars.Add(x);
                }

                i += 2;
            }
            else
            {
                chars.Add(c);
            }
        }

        return SearchValues.Create([.. chars.Order()]);
    }
}
