namespace Sensor.Tests.TestSupport;

/// <summary>
/// The read-only shared inputs (<c>../shared/</c> beside the repository root, the folder holding <c>Sensor.sln</c>)
/// and the repository's own data files (the shipped AI catalog).
/// </summary>
internal static class SharedInputs
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string RepositoryRoot => s_root.Value;

    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>A capture of <c>shared/pcaps</c>, e.g. <c>a_anthropic_enterprise.pcap</c>.</summary>
    public static string Pcap(string fileName) => Path.Combine(Shared, "pcaps", fileName);

    /// <summary>A file under <c>shared/conformance</c>, e.g. <c>wireshark/illustrated-tls13/capture.pcap</c>.</summary>
    public static string Conformance(string relativePath) => Path.Combine(Shared, "conformance", relativePath);

    public static string ShippedCatalog => Path.Combine(RepositoryRoot, "classifiers", "catalog", "ai-catalog.json");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sensor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Sensor.sln above {AppContext.BaseDirectory}");
    }
}
