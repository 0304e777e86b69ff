using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Engine;
using Sensor.Host.Configuration;
using Sensor.Inspection.Attribution;
using Sensor.Inspection.Catalog;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Dns;
using Sensor.Sessions.Tls;
using Sensor.Tenancy.Features;
using Sensor.Tenancy.Model;
using Sensor.Tenancy.Sessions;
using Sensor.Threats;

namespace Sensor.Host;

/// <summary>The composition root of the passive path: engine, application layer, inspection and sink, wired once.</summary>
internal static class Pipeline
{
    public static string ShippedCatalogPath => Path.Combine(AppContext.BaseDirectory, "catalog", "ai-catalog.json");

    /// <summary>The tenant model shipped with the sensor (classifiers/models/, see its MODEL_CARD.md): <c>tenants.ml.model: default</c>.</summary>
    public static string ShippedModelPath => Path.Combine(AppContext.BaseDirectory, "models", "tenant-model.zip");

    /// <summary>Builds the processor; returns null after printing why (e.g. a catalog file that cannot be read).</summary>
    /// <param name="keys">TLS key log secrets (files and pcapng secrets blocks) for passive decryption; null: none.</param>
    /// <param name="featureRows">Receives one tenant feature row per AI session (<c>--features</c>), or null.</param>
    public static PacketProcessor? Create(SensorConfig config, IEventSink sink, CaptureCounters capture, TextWriter error, TlsKeyStore? keys = null, Action<TenantFeatures>? featureRows = null)
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
        if (!config.PayloadParsing)
        {
            // Metadata only (a SPAN port without keys): fingerprints, the catalog and ai events; no decryption, HTTP, MCP or detectors.
            return new PacketProcessor(
                config.Engine,
                sink,
                capture,
                context => new AppLayerFactory(context, names) { ParsePayloads = false },
                events => new AiSessionAttributor(catalog, names, events));
        }

        var detectors = DetectorSetup.Create(config.Detectors, error);
        if (detectors is null)
        {
            return null;
        }

        TenantModel? model = null;
        if (config.Tenants.ModelPath is { } modelPath && (model = TenantModel.Load(modelPath, out var modelError)) is null)
        {
            error.WriteLine("sensor: tenants.ml.model " + modelError);
            return null;
        }

        var decryption = keys is null ? null : new TlsDecryption(keys);
        var tenancy = new TenantAttribution(config.Tenants, model) { FeatureRows = featureRows };
        var threats = ThreatState(config.Threats, catalog, detectors.Key);
        return new PacketProcessor(
            config.Engine,
            sink,
            capture,
            context =>
            {
                tenancy.Anomalies = context.Anomalies;
                // MCP observers (threat detectors) go in before the MCP parser is composed: it calls the ones present then.
                context = Sensor.Sessions.Payloads.SessionObservers.Compose(WithThreatDetectors(detectors.Attach(context), threats));
                // Tenant attribution observes last: the evidence producers before it fill the exchange first.
                var hooks = context.Payloads with { Observers = [.. context.Payloads.Observers, tenancy] };
                return new AppLayerFactory(context with { Payloads = hooks }, names, decryption);
            },
            events => new AiSessionAttributor(catalog, names, events, tenancy));
    }

    /// <summary>
    /// The processor's threat state: the catalog decides which MCP servers are known; findings are fingerprinted with
    /// the detectors' key so one value gets one fingerprint whichever detector saw it.
    /// </summary>
    private static McpThreatState ThreatState(McpThreatOptions options, AiCatalog catalog, byte[]? key) =>
        new(options with
        {
            // Built per processor with that processor's catalog, so the lookup runs on the catalog's own worker thread.
            IsCatalogServer = host => catalog.Lookup(host) is { Vendor: not "unknown" },
            FingerprintKey = options.FingerprintKey ?? key,
        });

    private static StreamContext WithThreatDetectors(StreamContext context, McpThreatState threats) => context with
    {
        Payloads = context.Payloads with
        {
            Observers = [.. context.Payloads.Observers, new MailApiObserver(context, threats)],
            McpObservers = [.. context.Payloads.McpObservers, new McpThreatDetector(context, threats)],
        },
    };
}
