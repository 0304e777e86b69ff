using Sensor.Host.Configuration;
using Sensor.Tests.Threats;

namespace Sensor.Tests.Host;

/// <summary>The <c>app_layer</c> section: <c>payloads: false</c> is the metadata-only mode (<c>--metadata-only</c>).</summary>
public class AppLayerConfigTests
{
    [Theory]
    [InlineData("app_layer:\n  payloads: false\n", true, false)]
    [InlineData("app_layer:\n  enabled: false\n", false, true)]
    [InlineData("sensor:\n  name: s1\n", true, true)]
    public void AppLayerSection_SetsTheMode(string yaml, bool appLayer, bool payloads)
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "sensor.yaml");
        File.WriteAllText(path, yaml);

        var errors = new List<ConfigError>();
        var config = ConfigLoader.Load(path, errors);

        Assert.Empty(errors);
        Assert.Equal(appLayer, config!.AppLayer);
        Assert.Equal(payloads, config.PayloadParsing);
    }

    [Fact]
    public void AppLayerPayloads_NotABoolean_IsAnError()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "sensor.yaml");
        File.WriteAllText(path, "app_layer:\n  payloads: sometimes\n");

        var errors = new List<ConfigError>();
        Assert.Null(ConfigLoader.Load(path, errors));
        Assert.Contains(errors, e => e.Key == "app_layer.payloads");
    }

    [Fact]
    public void EveTypes_ListsTheWrittenTypes_AndDefaultsToAll()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "sensor.yaml");
        File.WriteAllText(path, "eve:\n  types: [flow, ai]\n");
        var errors = new List<ConfigError>();

        Assert.Equal(["flow", "ai"], ConfigLoader.Load(path, errors)!.EveTypes);
        Assert.Empty(errors);

        File.WriteAllText(path, "sensor:\n  name: s1\n");
        Assert.Null(ConfigLoader.Load(path, errors)!.EveTypes);
    }

    [Fact]
    public void EveTypes_UnknownType_IsAnError()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "sensor.yaml");
        File.WriteAllText(path, "eve:\n  types: [flow, alert]\n");

        var errors = new List<ConfigError>();
        Assert.Null(ConfigLoader.Load(path, errors));
        Assert.Contains(errors, e => e.Key == "eve.types" && e.Message.Contains("'alert'", StringComparison.Ordinal));
    }
}
