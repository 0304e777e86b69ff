using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Engine;
using Sensor.Host.Configuration;
using Sensor.Inspection.Attribution;
using Sensor.Inspection.Catalog;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Dns;
using Sensor.Sessions.Tls;

namespace Sensor.Host;

/// <summary>The composition root of the passive path: engine, application layer, inspection and sink, wired once.</summary>
internal static class Pipeline
{
    public static string ShippedCatalogPath => Path.Combine(AppContext.BaseDirectory, "catalog", "ai-catalog.json");

    /// <summary>Builds the processor; returns null after printing why (e.g. a catalog file that cannot be read).</summary>
    /// <param name="keys">TLS key log secrets (files and pcapng secrets blocks) for passive decryption; null: none.</param>
    public static PacketProcessor? Create(SensorConfig config, IEventSink sink, CaptureCounters capture, TextWriter error, TlsKeyStore? keys = null)
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
        var decryption = keys is null ? null : new TlsDecryption(keys);
        return new PacketProcessor(
            config.Engine,
            sink,
            capture,
            context => new AppLayerFactory(Sensor.Sessions.Payloads.SessionObservers.Compose(context), names, decryption),
            events => new AiSessionAttributor(catalog, names, events));
    }
}
