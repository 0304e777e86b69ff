using Sensor.Core.Diagnostics;
using Sensor.Core.Events;

namespace Sensor.Core.Streams;

/// <summary>What an application-layer consumer needs from its worker: where events go, anomalies, and the packet clock.</summary>
public sealed record StreamContext(IEventSink Events, AnomalyReporter Anomalies, PacketClock Clock);
