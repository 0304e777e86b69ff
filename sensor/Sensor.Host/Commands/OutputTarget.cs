namespace Sensor.Host.Commands;

/// <summary>Opens the event destination: a file (<c>-o FILE</c>) or standard output.</summary>
internal static class OutputTarget
{
    public static Stream? Open(string? path, TextWriter error)
    {
        if (path is null or "-")
        {
            return Console.OpenStandardOutput();
        }

        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"sensor: cannot write events to {path} ({e.GetType().Name})");
            return null;
        }
    }
}
