using System.Globalization;
using Sensor.Decode.Defrag;
using Sensor.Engine;
using Sensor.Flows;
using Sensor.Flows.Tcp;
using Sensor.Sinks;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sensor.Host.Configuration;

/// <summary>
/// Reads the YAML config (<c>--config FILE</c>). Every key is known: an unknown or mistyped key is an
/// error naming file, line, column and key, never silently ignored.
/// </summary>
internal static class ConfigLoader
{
    /// <summary>The sections the keys below live in; any other section name is a typo.</summary>
    private static readonly HashSet<string> s_sections = new(StringComparer.Ordinal) { "sensor", "flow", "stream", "defrag", "anomaly", "stats", "capture", "catalog", "app_layer", "tenants", "detectors", "threats", "eve" };

    public static SensorConfig? Load(string path, List<ConfigError> errors)
    {
        YamlStream yaml;
        try
        {
            yaml = [];
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Opening a directory or a file without read permission throws UnauthorizedAccessException on Unix.
            var reason = Directory.Exists(path) ? "is a directory, not a file" : $"cannot read ({e.GetType().Name})";
            errors.Add(new ConfigError(path, 0, 0, "(file)", reason));
            return null;
        }
        catch (YamlException e)
        {
            errors.Add(new ConfigError(path, e.Start.Line, e.Start.Column, "(syntax)", e.Message));
            return null;
        }

        var config = new SensorConfig();
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            return yaml.Documents.Count == 0 ? config : Fail(errors, path, yaml.Documents[0].RootNode, "(root)", "expected a mapping of sections");
        }

        var reader2 = new Reader(path, errors);
        foreach (var extra in yaml.Documents.Skip(1).Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }))
        {
            reader2.Error(extra.RootNode, "(document)", "only one YAML document is read: remove the '---' and merge the sections");
        }

        var flows = new FlowTableOptions();
        var reassembly = new ReassemblyLimits();
        var defrag = new DefragLimits();
        var engine = new EngineOptions();
        foreach (var (keyNode, value) in root.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } section })
            {
                reader2.Error(keyNode, "(key)", "expected a plain section name, not a sequence or mapping");
                continue;
            }

            if (!s_sections.Contains(section))
            {
                reader2.Error(keyNode, section, "unknown section (known: " + string.Join(", ", s_sections) + ")");
                continue;
            }

            if (section == "tenants")
            {
                // Deeper than section.key: vendor sections, credential lists, the model (TenantConfigReader).
                config = config with { Tenants = TenantConfigReader.Read(path, value, errors, Pipeline.ShippedModelPath) };
                continue;
            }

            var map = value as YamlMappingNode;
            if (map is null)
            {
                reader2.Error(value, section, "expected a mapping");
                continue;
            }

            foreach (var (k, v) in map.Children)
            {
                if (k is not YamlScalarNode { Value: { } name })
                {
                    reader2.Error(k, section + ".(key)", "expected a plain key name, not a sequence or mapping");
                    continue;
                }

                var key = $"{section}.{name}";
                switch (key)
                {
                    case "app_layer.enabled": config = config with { AppLayer = reader2.Boolean(v, key, config.AppLayer) }; break;
                    case "app_layer.payloads": config = config with { PayloadParsing = reader2.Boolean(v, key, config.PayloadParsing) }; break;
                    case "catalog.extra": config = config with { ExtraCatalogs = [.. config.ExtraCatalogs, reader2.String(v, key) ?? ""] }; break;
                    case "eve.types": config = config with { EveTypes = reader2.EventTypes(v, key) }; break;
                    case "sensor.name": config = config with { SensorName = reader2.String(v, key) ?? config.SensorName }; break;
                    case "flow.memcap": flows = flows with { MemoryCap = reader2.Size(v, key, flows.MemoryCap) }; break;
                    case "flow.tcp_timeout": flows = flows with { TcpIdleTimeoutMicros = reader2.Seconds(v, key, flows.TcpIdleTimeoutMicros) }; break;
                    case "flow.udp_timeout": flows = flows with { UdpIdleTimeoutMicros = reader2.Seconds(v, key, flows.UdpIdleTimeoutMicros) }; break;
                    case "flow.closed_timeout": flows = flows with { ClosedTimeoutMicros = reader2.Seconds(v, key, flows.ClosedTimeoutMicros) }; break;
                    case "stream.memcap": reassembly = reassembly with { GlobalMemoryCap = reader2.Size(v, key, reassembly.GlobalMemoryCap) }; break;
                    case "stream.max_buffered_bytes": reassembly = reassembly with { MaxBufferedBytesPerDirection = (int)reader2.Size(v, key, reassembly.MaxBufferedBytesPerDirection, int.MaxValue) }; break;
                    case "stream.max_segments": reassembly = reassembly with { MaxSegmentsPerDirection = (int)reader2.Integer(v, key, reassembly.MaxSegmentsPerDirection, 1, 1_000_000) }; break;
                    case "defrag.memcap": defrag = defrag with { MemoryCap = reader2.Size(v, key, defrag.MemoryCap) }; break;
                    case "defrag.trackers": defrag = defrag with { MaxTrackers = (int)reader2.Integer(v, key, defrag.MaxTrackers, 1, 10_000_000) }; break;
                    case "defrag.timeout": defrag = defrag with { TimeoutMicros = reader2.Seconds(v, key, defrag.TimeoutMicros) }; break;
                    case "anomaly.max_events_per_kind": engine = engine with { MaxAnomalyEventsPerKind = (int)reader2.Integer(v, key, engine.MaxAnomalyEventsPerKind, 0, int.MaxValue) }; break;
                    case "stats.interval": config = config with { StatsIntervalSeconds = (int)reader2.Integer(v, key, config.StatsIntervalSeconds, 1, 86_400) }; break;
                    case "capture.queue_packets": config = config with { CaptureQueuePackets = (int)reader2.Integer(v, key, config.CaptureQueuePackets, 16, 16_777_216) }; break;
                    case "capture.buffer_size": config = config with { CaptureBufferBytes = (int)reader2.Size(v, key, config.CaptureBufferBytes, int.MaxValue) }; break;
                    case "detectors.enabled": config = config with { Detectors = config.Detectors with { Enabled = reader2.Boolean(v, key, config.Detectors.Enabled) } }; break;
                    case "detectors.extra_rules": config = config with { Detectors = config.Detectors with { ExtraRules = [.. config.Detectors.ExtraRules, .. reader2.Strings(v, key)] } }; break;
                    case "detectors.hmac_key_file": config = config with { Detectors = config.Detectors with { HmacKeyFile = reader2.String(v, key) } }; break;
                    case "detectors.classification_labels": config = config with { Detectors = config.Detectors with { ClassificationLabels = reader2.Strings(v, key) } }; break;
                    case "detectors.code_names": config = config with { Detectors = config.Detectors with { CodeNames = reader2.Strings(v, key) } }; break;
                    case "detectors.corporate_domains": config = config with { Detectors = config.Detectors with { CorporateDomains = reader2.Strings(v, key) } }; break;
                    case "threats.corporate_domains": config = config with { Threats = config.Threats with { CorporateDomains = reader2.Strings(v, key) } }; break;
                    case "threats.mcp_allowlist": config = config with { Threats = config.Threats with { AllowedServers = reader2.Strings(v, key) } }; break;
                    case "threats.state_dir": config = config with { Threats = config.Threats with { StateDirectory = reader2.String(v, key) } }; break;
                    default: reader2.Error(k, key, "unknown key"); break;
                }
            }
        }

        return errors.Count > 0 ? null : config with
        {
            Engine = engine with { Flows = flows with { Reassembly = reassembly }, Defrag = defrag },
        };
    }

    private static SensorConfig? Fail(List<ConfigError> errors, string path, YamlNode node, string key, string message)
    {
        errors.Add(new ConfigError(path, node.Start.Line, node.Start.Column, key, message));
        return null;
    }

    private sealed class Reader(string path, List<ConfigError> errors)
    {
        public void Error(YamlNode node, string key, string message) => errors.Add(new ConfigError(path, node.Start.Line, node.Start.Column, key, message));

        public string? String(YamlNode node, string key)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } text })
            {
                return text;
            }

            Error(node, key, "expected a non-empty string");
            return null;
        }

        /// <summary>One string or a sequence of strings.</summary>
        public List<string> Strings(YamlNode node, string key)
        {
            if (node is YamlSequenceNode sequence)
            {
                return [.. sequence.Children.Select(child => String(child, key)).OfType<string>()];
            }

            return String(node, key) is { } one ? [one] : [];
        }

        /// <summary>A list of <c>event_type</c> names from the output contract; an unknown name is an error.</summary>
        public List<string> EventTypes(YamlNode node, string key)
        {
            var types = Strings(node, key);
            foreach (var type in types.Where(type => !EventTypeFilterSink.KnownTypes.Contains(type)))
            {
                Error(node, key, $"unknown event type '{type}' (known: {string.Join(", ", EventTypeFilterSink.KnownTypes)})");
            }

            return types;
        }

        public long Integer(YamlNode node, string key, long fallback, long min, long max)
        {
            if (node is YamlScalarNode { Value: { } text } && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            Error(node, key, $"expected a whole number from {min} to {max}");
            return fallback;
        }

        public bool Boolean(YamlNode node, string key, bool fallback)
        {
            if (node is YamlScalarNode { Value: { } text } && bool.TryParse(text, out var value))
            {
                return value;
            }

            Error(node, key, "expected true or false");
            return fallback;
        }

        /// <summary>Seconds in config, microseconds inside.</summary>
        public long Seconds(YamlNode node, string key, long fallbackMicros) => Integer(node, key, fallbackMicros / 1_000_000, 1, 86_400) * 1_000_000;

        /// <summary>A byte size: a number with an optional kb/mb/gb suffix (Suricata's style: <c>128mb</c>).</summary>
        public long Size(YamlNode node, string key, long fallback, long max = long.MaxValue)
        {
            if (node is YamlScalarNode { Value: { } raw })
            {
                var text = raw.Trim().ToLowerInvariant();
                long unit = 1;
                foreach (var (suffix, multiplier) in new[] { ("kb", 1024L), ("mb", 1024L * 1024), ("gb", 1024L * 1024 * 1024), ("b", 1L) })
                {
                    if (text.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        unit = multiplier;
                        text = text[..^suffix.Length].TrimEnd();
                        break;
                    }
                }

                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= max / unit)
                {
                    return value * unit;
                }
            }

            Error(node, key, "expected a size such as 1048576, 512kb, 128mb or 1gb");
            return fallback;
        }
    }
}
