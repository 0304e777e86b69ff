using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;

namespace Sensor.Core.Streams;

/// <summary>What an application-layer consumer needs from its worker: where events go, anomalies, the packet clock, and payload hooks.</summary>
public sealed record StreamContext(IEventSink Events, AnomalyReporter Anomalies, PacketClock Clock)
{
    /// <summary>Where decoded payloads go (observers and detectors); none unless the host wires them.</summary>
    public PayloadHooks Payloads { get; init; } = PayloadHooks.None;
}
