using Sensor.Core.Diagnostics;

namespace Sensor.Flows.Tcp;

/// <summary>How a reassembler reports anomalies to its flow, which knows the flow's identity and time.</summary>
internal interface IStreamObserver
{
    void OnStreamAnomaly(AnomalyKind kind, long value);
}
