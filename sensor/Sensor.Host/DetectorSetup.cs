using Sensor.Core.Streams;
using Sensor.Detectors;
using Sensor.Detectors.Findings;
using Sensor.Detectors.Rules;

namespace Sensor.Host;

/// <summary>Loads the rule pack and the fingerprint key once; gives each worker its own <see cref="SecretInspector"/>.</summary>
internal sealed class DetectorSetup
{
    private DetectorSetup(RulePack? pack, FindingFormatter? formatter, byte[]? key)
    {
        Pack = pack;
        Formatter = formatter;
        Key = key;
    }

    /// <summary>The fingerprint (HMAC) key, shared with the MCP threat detectors (loaded even when detectors are off); null if unreadable with detectors off.</summary>
    public byte[]? Key { get; }

    public RulePack? Pack { get; }

    public FindingFormatter? Formatter { get; }

    /// <summary>Null after printing why (a bad rule file, an unreadable key); a disabled setup when <c>detectors.enabled: false</c>.</summary>
    public static DetectorSetup? Create(DetectorOptions options, TextWriter error)
    {
        if (!options.Enabled)
        {
            // The MCP threat detectors still write findings, fingerprinted with this key: without it a value's fingerprint
            // would change from run to run and no longer correlate in the SIEM.
            var threatKey = LoadKey(options, out var threatKeyError);
            if (threatKey is null)
            {
                error.WriteLine("sensor: fingerprint key " + threatKeyError + "; MCP threat findings are fingerprinted with a key for this run only");
            }

            return new DetectorSetup(null, null, threatKey);
        }

        var errors = new List<string>();
        var pack = RulePack.Load([RulePack.ShippedPath, .. options.ExtraRules], options, errors);
        foreach (var message in errors)
        {
            error.WriteLine("sensor: detector rules " + message);
        }

        if (pack is null)
        {
            return null;
        }

        var key = LoadKey(options, out var keyError);
        if (key is null)
        {
            error.WriteLine("sensor: fingerprint key " + keyError);
            return null;
        }

        return new DetectorSetup(pack, new FindingFormatter(key), key);
    }

    /// <summary>The configured fingerprint key file, or the default one, created when absent.</summary>
    private static byte[]? LoadKey(DetectorOptions options, out string? error) =>
        FingerprintKey.LoadOrCreate(options.HmacKeyFile ?? FingerprintKey.DefaultPath, out error);

    /// <summary>An inspector for one worker (its event sink and anomaly reporter), or null when detectors are off.</summary>
    public SecretInspector? CreateInspector(StreamContext context) =>
        Pack is null ? null : new SecretInspector(Pack, Formatter!, context.Events, context.Anomalies);

    /// <summary>The worker's context with the detectors added to its payload inspectors.</summary>
    public StreamContext Attach(StreamContext context) =>
        CreateInspector(context) is { } inspector
            ? context with { Payloads = context.Payloads with { Inspectors = [.. context.Payloads.Inspectors, inspector] } }
            : context;
}
