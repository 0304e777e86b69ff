namespace Sensor.Inspection.Catalog;

/// <summary>What the catalog says about a host: the vendor, the service and its kind.</summary>
public sealed record CatalogEntry(string Vendor, string VendorName, string Service, string Kind)
{
    public const string KindAiApi = "ai-api";
    public const string KindAiWeb = "ai-web";
    public const string KindAiApiAndMcp = "ai-api+mcp";
    public const string KindMcp = "mcp";
    public const string KindTelemetry = "ai-telemetry";

    /// <summary>Sessions of these kinds get an <c>ai</c> event; telemetry alone does not carry prompts.</summary>
    public bool IsAiSession => Kind is KindAiApi or KindAiWeb or KindAiApiAndMcp or KindMcp;

    public bool IsMcp => Kind is KindMcp or KindAiApiAndMcp;
}

/// <summary>A tenant verdict visible without decryption (e.g. GitHub Copilot's plan host in the SNI).</summary>
public sealed record TenantHint(string Vendor, string Tenant, string Basis, string? Plan);

/// <summary>A client application recognised by its JA4 or User-Agent.</summary>
public sealed record ClientHint(string Client, string Kind);
