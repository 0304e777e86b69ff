namespace Sensor.Tests.TestSupport;

/// <summary>Finds the repository root (the folder holding Sensor.sln) and the read-only shared inputs beside it.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    /// <summary><c>../shared</c> relative to the repository root.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sensor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sensor.sln above {AppContext.BaseDirectory}");
    }
}
