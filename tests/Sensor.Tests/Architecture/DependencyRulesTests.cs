using System.Reflection;

namespace Sensor.Tests.Architecture;

/// <summary>Keeps the arrows of architecture.md one way by reading each stage's assembly references.</summary>
public class DependencyRulesTests
{
    // Stage -> the project assemblies it may reference (BCL and listed packages aside).
    private static readonly Dictionary<string, string[]> s_allowed = new()
    {
        ["Sensor.Core"] = [],
        ["Sensor.Decode"] = ["Sensor.Core"],
        ["Sensor.Flows"] = ["Sensor.Core", "Sensor.Decode"],
        ["Sensor.Capture"] = ["Sensor.Core", "Sensor.Decode", "SharpPcap", "PacketDotNet"],
        ["Sensor.Engine"] = ["Sensor.Core", "Sensor.Decode", "Sensor.Flows"],
        ["Sensor.Sinks"] = ["Sensor.Core"],
        ["Sensor.Protocols"] = ["Sensor.Core"],
        ["Sensor.Sessions"] = ["Sensor.Core", "Sensor.Protocols"],
        ["Sensor.Inspection"] = ["Sensor.Core", "Sensor.Protocols", "Sensor.Sessions"],

        // classifiers/: Core's small interfaces only, plus ML.NET (an entry ending in '*' is a prefix).
        ["Sensor.Tenancy"] = ["Sensor.Core", "Microsoft.ML*"],
        ["Sensor.Detectors"] = ["Sensor.Core"],

        ["Sensor.Threats"] = ["Sensor.Core"],
    };

    public static TheoryData<string> Stages => new(s_allowed.Keys);

    [Theory]
    [MemberData(nameof(Stages))]
    public void Stage_ReferencesOnlyAllowedAssemblies(string stage)
    {
        var assembly = Assembly.Load(stage);
        var disallowed = assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => !IsPlatform(name) && !s_allowed[stage].Any(allowed => Allows(allowed, name)))
            .ToList();
        Assert.True(disallowed.Count == 0, $"{stage} must not reference: {string.Join(", ", disallowed)}");
    }

    [Fact]
    public void OnlyCaptureTouchesSharpPcap()
    {
        foreach (var stage in s_allowed.Keys.Where(s => s != "Sensor.Capture"))
        {
            Assert.DoesNotContain(Assembly.Load(stage).GetReferencedAssemblies(), a => a.Name is "SharpPcap" or "PacketDotNet");
        }
    }

    [Fact]
    public void OnlyClassifiersAndTheHostReferenceMlNet()
    {
        foreach (var stage in s_allowed.Keys.Where(s => s != "Sensor.Tenancy"))
        {
            Assert.DoesNotContain(Assembly.Load(stage).GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.ML", StringComparison.Ordinal) || a.Name == "Sensor.Tenancy");
        }
    }

    private static bool Allows(string allowed, string name) =>
        allowed.EndsWith('*') ? name.StartsWith(allowed[..^1], StringComparison.Ordinal) : allowed == name;

    private static bool IsPlatform(string name) => name is "netstandard" or "mscorlib" || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal);
}
