using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
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

        var names = new DnsNameCache();
        var decryption = keys is null ? null : new TlsDecryption(keys);
        var tenancy = new TenantAttribution(config.Tenants, model) { FeatureRows = featureRows };
        return new PacketProcessor(
            config.Engine,
            sink,
            capture,
            context =>
            {
                tenancy.Anomalies = context.Anomalies;
                context = Sensor.Sessions.Payloads.SessionObservers.Compose(detectors.Attach(context));
                // Tenant attribution observes last: the evidence producers before it fill the exchange first.
                var hooks = context.Payloads with { Observers = [.. context.Payloads.Observers, tenancy] };
                return new AppLayerFactory(context with { Payloads = hooks }, names, decryption);
            },
            events => new AiSessionAttributor(catalog, names, events, tenancy));
    }
}
