namespace Sensor.Host.Cli;

/// <summary>
/// A small getopt-style parser: positional arguments, <c>-x VALUE</c>, <c>--long VALUE</c>, <c>--long=VALUE</c>
/// and flags. Unknown options are errors, so a typo never silently changes what runs.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static CommandLine? Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> valueOptions, IReadOnlySet<string> flagOptions, out string? error)
    {
        error = null;
        var line = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                line.Positional.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.Length > 1 && arg[0] == '-')
            {
                var name = arg;
                string? inline = null;
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
                {
                    name = arg[..eq];
                    inline = arg[(eq + 1)..];
                }

                if (valueOptions.TryGetValue(name, out var canonical))
                {
                    if (inline is null && i + 1 >= args.Count)
                    {
                        error = $"option {name} needs a value";
                        return null;
                    }

                    var value = inline ?? args[++i];
                    if (!line._values.TryGetValue(canonical, out var list))
                    {
                        line._values[canonical] = list = [];
                    }

                    list.Add(value);
                }
                else if (flagOptions.Contains(name))
                {
                    line._flags.Add(name);
                }
                else
                {
                    error = $"unknown option {name}";
                    return null;
                }
            }
            else
            {
                line.Positional.Add(arg);
            }
        }

        return line;
    }

    /// <summary>The option's value (the last one when it was given several times).</summary>
    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>Every value of an option that may be repeated (e.g. several <c>--keylog</c> files), in order.</summary>
    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public bool Flag(string name) => _flags.Contains(name);
}
