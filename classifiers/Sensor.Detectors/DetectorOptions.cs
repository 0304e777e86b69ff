namespace Sensor.Detectors;

/// <summary>The <c>detectors:</c> config section.</summary>
public sealed record DetectorOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Rule files loaded after the shipped pack (analysts' additions).</summary>
    public IReadOnlyList<string> ExtraRules { get; init; } = [];

    /// <summary>The HMAC key for fingerprints; null = the default key file, generated once (0600) when missing.</summary>
    public string? HmacKeyFile { get; init; }

    /// <summary>Classification labels (CONFIDENTIAL, "INTERNAL ONLY"...), matched as whole words, case-insensitive.</summary>
    public IReadOnlyList<string> ClassificationLabels { get; init; } = [];

    /// <summary>Project code names, matched as whole words, case-insensitive.</summary>
    public IReadOnlyList<string> CodeNames { get; init; } = [];

    /// <summary>The company's domains: a name under them (host or mail address) in a payload is a corporate marker.</summary>
    public IReadOnlyList<string> CorporateDomains { get; init; } = [];
}
