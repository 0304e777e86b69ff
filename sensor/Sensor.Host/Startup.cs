using Sensor.Host.Configuration;

namespace Sensor.Host;

/// <summary>Start-up steps shared by the commands.</summary>
internal static class Startup
{
    /// <summary>Loads <c>--config</c> or the defaults; prints every validation error and returns null on failure.</summary>
    public static SensorConfig? LoadConfig(string? path, TextWriter error)
    {
        if (path is null)
        {
            return new SensorConfig();
        }

        var errors = new List<ConfigError>();
        var config = ConfigLoader.Load(path, errors);
        foreach (var e in errors)
        {
            error.WriteLine("sensor: config " + e);
        }

        return config;
    }
}
