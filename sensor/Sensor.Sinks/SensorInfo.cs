namespace Sensor.Sinks;

/// <summary>The envelope's <c>sensor</c> object: which sensor wrote the event and in which mode.</summary>
public sealed record SensorInfo(string Name, string Mode)
{
    public const string ModePcap = "pcap";
    public const string ModeLive = "live";
    public const string ModeProxy = "proxy";

    public const int SchemaVersion = 1;
}
