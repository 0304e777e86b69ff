namespace Sensor.Core.Payloads;

/// <summary>
/// What a worker's sessions hand their payloads to: observers of HTTP exchanges (MCP, AI APIs, tenant evidence)
/// inspectors of decoded bytes (the detectors) and MCP message observers. Composed once by the host.
/// </summary>
public sealed record PayloadHooks(IReadOnlyList<IHttpObserver> Observers, IReadOnlyList<IPayloadInspector> Inspectors)
{
    public static readonly PayloadHooks None = new([], []);

    /// <summary>Observers of MCP messages (threat detectors); the MCP parser calls them.</summary>
    public IReadOnlyList<IMcpObserver> McpObservers { get; init; } = [];

    public bool HasInspectors => Inspectors.Count > 0;

    /// <summary>Gives one decoded item to every inspector.</summary>
    public void Inspect(in PayloadSource source, ReadOnlySpan<byte> data)
    {
        // Indexed, not foreach: enumerating an IReadOnlyList allocates an enumerator, and this runs per header value.
        var inspectors = Inspectors;
        for (var i = 0; i < inspectors.Count; i++)
        {
            inspectors[i].Inspect(source, data);
        }
    }
}
