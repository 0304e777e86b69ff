namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>
/// Where things are: the repository root (the directory holding <c>Sensor.sln</c>, found by walking up
/// from the test binaries) and the read-only shared inputs beside it (<c>../shared/</c>).
/// </summary>
internal static class Repo
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Pcaps => Path.Combine(Shared, "pcaps");

    public static string Pcap(string fileName) => Path.Combine(Pcaps, fileName);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (var depth = 0; dir is not null && depth < 32; depth++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sensor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no directory containing Sensor.sln above {AppContext.BaseDirectory}");
    }
}
