using Sensor.Core.Diagnostics;
using Sensor.Decode.Defrag;
using Sensor.Flows;

namespace Sensor.Engine;

/// <summary>Every cap and timeout of the passive path, passed explicitly (no global mutable config).</summary>
public sealed record EngineOptions
{
    public FlowTableOptions Flows { get; init; } = new();

    public DefragLimits Defrag { get; init; } = new();

    /// <summary>Anomaly events written per kind per run before only the counter moves.</summary>
    public int MaxAnomalyEventsPerKind { get; init; } = AnomalyReporter.DefaultMaxEventsPerKind;

    /// <summary>How often (packet time) idle flows and fragments are expired.</summary>
    public long HousekeepingIntervalMicros { get; init; } = 1_000_000;
}
