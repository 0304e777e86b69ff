using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Engine;
using Sensor.Host.Configuration;
using Sensor.Inspection.Attribution;
using Sensor.Inspection.Catalog;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Dns;
using Sensor.Threats;

namespace Sensor.Host;

/// <summary>The composition root of the passive path: engine, application layer, inspection and sink, wired once.</summary>
internal static class Pipeline
{
    public static string ShippedCatalogPath => Path.Combine(AppContext.BaseDirectory, "catalog", "ai-catalog.json");

    /// <summary>Builds the processor; returns null after printing why (e.g. a catalog file that cannot be read).</summary>
    public static PacketProcessor? Create(SensorConfig config, IEventSink sink, CaptureCounters capture, TextWriter error)
    {
        if (!config.AppLayer)
        {
            return new PacketProcessor(config.Engine, sink, capture);
        }

        var errors = new List<string>();
        var catalog = AiCatalog.Load([ShippedCatalogPath, .. config.ExtraCatalogs], errors);
        if (catalog is null)
        {
            foreach (var message in errors)
            {
                error.WriteLine("sensor: catalog " + message);
            }

            return null;
        }

        var names = new DnsNameCache();
        var threats = ThreatState(config.Threats, catalog);
        return new PacketProcessor(
            config.Engine,
            sink,
            capture,
            context => new AppLayerFactory(WithThreatDetectors(context, threats), names),
            events => new AiSessionAttributor(catalog, names, events));
    }

    /// <summary>The processor's threat state: the catalog decides which MCP servers are known, the state dir keeps the fingerprint key.</summary>
    private static McpThreatState ThreatState(McpThreatOptions options, AiCatalog catalog)
    {
        var key = options.StateDirectory is { } directory && TryCreate(directory)
            ? Core.Security.SecretRedaction.LoadOrCreateKey(Path.Combine(directory, "fingerprint.key"))
            : null;
        return new McpThreatState(options with
        {
            // Built per processor with that processor's catalog, so the lookup runs on the catalog's own worker thread.
            IsCatalogServer = host => catalog.Lookup(host) is { Vendor: not "unknown" },
            FingerprintKey = options.FingerprintKey ?? key,
        });

        static bool TryCreate(string directory)
        {
            try
            {
                Directory.CreateDirectory(directory);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>Adds this worker's MCP threat detector and mail API observer to the payload hooks the sessions call.</summary>
    private static StreamContext WithThreatDetectors(StreamContext context, McpThreatState threats) => context with
    {
        Payloads = context.Payloads with
        {
            Observers = [.. context.Payloads.Observers, new MailApiObserver(context, threats)],
            McpObservers = [.. context.Payloads.McpObservers, new McpThreatDetector(context, threats)],
        },
    };
}
