using Sensor.Detectors;
using Sensor.Engine;
using Sensor.Tenancy.Configuration;
using Sensor.Threats;

namespace Sensor.Host.Configuration;

/// <summary>The effective configuration: engine caps plus what the host itself needs.</summary>
internal sealed record SensorConfig
{
    public string SensorName { get; init; } = Environment.MachineName;

    public EngineOptions Engine { get; init; } = new();

    /// <summary>
    /// Whether application-layer parsing (TLS/QUIC/DNS fingerprints, AI attribution) runs. Off, the sensor is the
    /// spine alone (flows and reassembly): the baseline the throughput harness compares against.
    /// </summary>
    public bool AppLayer { get; init; } = true;

    /// <summary>
    /// Whether payloads are parsed (TLS decryption, HTTP, MCP, AI API calls, detectors, threats, tenancy). Off, the
    /// application layer is metadata only: TLS/QUIC/DNS fingerprints, the AI catalog and <c>ai</c> events, as on a SPAN
    /// port without keys; the throughput harness measures it as its own stage.
    /// </summary>
    public bool PayloadParsing { get; init; } = true;

    /// <summary>
    /// The event types written out (<c>eve.types</c>, as Suricata's <c>eve-log: types:</c>); null writes every type.
    /// Unlisted events are still produced and counted, so attribution and the summary are unchanged.
    /// </summary>
    public IReadOnlyList<string>? EveTypes { get; init; }

    /// <summary>Catalog files loaded after the shipped one (analysts' additions), in order.</summary>
    public IReadOnlyList<string> ExtraCatalogs { get; init; } = [];

    /// <summary>The enterprise's tenants, sanctioned credentials and the tenant model (<c>tenants:</c>).</summary>
    public TenantPolicy Tenants { get; init; } = TenantPolicy.Empty;

    /// <summary>
    /// MCP threat detectors (<c>threats.corporate_domains</c>, <c>threats.mcp_allowlist</c>, <c>threats.state_dir</c>).
    /// The catalog predicate and the fingerprint key are added by the pipeline.
    /// </summary>
    public McpThreatOptions Threats { get; init; } = new();

    /// <summary>Seconds between <c>stats</c> events in live mode (Suricata's <c>stats.interval: 8</c>).</summary>
    public int StatsIntervalSeconds { get; init; } = 8;

    /// <summary>Live capture: frames the capture thread may queue for the worker before counting drops.</summary>
    public int CaptureQueuePackets { get; init; } = 65536;

    /// <summary>Live capture: libpcap kernel buffer (Suricata's pcap example uses 16 MiB).</summary>
    public int CaptureBufferBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>The <c>detectors:</c> section: secret/PII/corporate-marker rules, the fingerprint key, corporate markers.</summary>
    public DetectorOptions Detectors { get; init; } = new();
}
