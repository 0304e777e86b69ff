using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Json;

namespace Sensor.Inspection.Attribution;

/// <summary>
/// <c>ai</c>: one per AI or MCP session (events.md). The tenant is <c>unknown</c> unless evidence shows it;
/// <c>basis</c> names that evidence, so a guess is never presented as a fact.
/// </summary>
public sealed class AiEvent : SensorEvent
{
    public AiEvent(long timestampMicros, FlowIdentity flow)
        : base(timestampMicros, flow)
    {
    }

    public override string EventType => "ai";

    public override string? SummaryLabel => Vendor;

    public required string Vendor { get; init; }

    public required string VendorName { get; init; }

    public required string Service { get; init; }

    /// <summary>ai-api, ai-web, ai-api+mcp or mcp.</summary>
    public required string ServiceKind { get; init; }

    public bool Mcp { get; init; }

    public string? Client { get; init; }

    /// <summary>enterprise, personal, unknown, or mixed when requests of one connection went to both.</summary>
    public string Tenant { get; init; } = "unknown";

    public string? TenantId { get; init; }

    /// <summary>Every tenant id the session's requests showed, when more than one (a <c>mixed</c> keep-alive connection).</summary>
    public IReadOnlyList<string> TenantIds { get; init; } = [];

    /// <summary>Requests per tenant verdict (enterprise, personal, unknown), when the payload was visible.</summary>
    public IReadOnlyDictionary<string, int>? RequestTenants { get; init; }

    public IReadOnlyList<string> Basis { get; init; } = [];

    public double? Confidence { get; init; }

    public string? Model { get; init; }

    /// <summary>The name the vendor was recognised by, and where it came from (<c>sni</c>, <c>dns</c>).</summary>
    public required string Host { get; init; }

    public required string HostSource { get; init; }

    public string? Plan { get; init; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("ai"u8);
        writer.WriteString("vendor"u8, Vendor);
        writer.WriteString("vendor_name"u8, VendorName);
        writer.WriteString("service"u8, Service);
        writer.WriteString("service_kind"u8, ServiceKind);
        writer.WriteBoolean("mcp"u8, Mcp);
        writer.WriteString("host"u8, Host);
        writer.WriteString("host_source"u8, HostSource);
        if (Client is not null)
        {
            writer.WriteString("client"u8, Client);
        }
        else
        {
            writer.WriteNull("client"u8);
        }

        writer.WriteString("tenant"u8, Tenant);
        if (TenantId is not null)
        {
            writer.WriteString("tenant_id"u8, TenantId);
        }
        else
        {
            writer.WriteNull("tenant_id"u8);
        }

        if (TenantIds.Count > 1)
        {
            writer.WriteStartArray("tenant_ids"u8);
            foreach (var id in TenantIds)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        if (RequestTenants is { } requests && requests.Values.Any(n => n > 0))
        {
            writer.WriteStartObject("requests"u8);
            foreach (var (tenant, count) in requests)
            {
                writer.WriteNumber(tenant, count);
            }

            writer.WriteEndObject();
        }

        writer.WriteStartArray("basis"u8);
        for (var i = 0; i < Basis.Count; i++) // by index: foreach over the interface would box an enumerator per event
        {
            writer.WriteStringValue(Basis[i]);
        }

        writer.WriteEndArray();
        if (Confidence is { } confidence)
        {
            writer.WriteNumber("confidence"u8, confidence);
        }
        else
        {
            writer.WriteNull("confidence"u8);
        }

        if (Plan is not null)
        {
            writer.WriteString("plan"u8, Plan);
        }

        if (Model is not null)
        {
            writer.WriteString("model"u8, Model);
        }
        else
        {
            writer.WriteNull("model"u8);
        }

        writer.WriteEndObject();
    }

    /// <summary>The same bytes as <see cref="WriteBody"/>, built as bytes.</summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        json.StartObject("ai"u8);
        json.Text("vendor"u8, Vendor);
        json.Text("vendor_name"u8, VendorName);
        json.Text("service"u8, Service);
        json.Text("service_kind"u8, ServiceKind);
        json.Boolean("mcp"u8, Mcp);
        json.Text("host"u8, Host);
        json.Text("host_source"u8, HostSource);
        json.Text("client"u8, Client); // null as null, as WriteNull writes it
        json.Text("tenant"u8, Tenant);
        json.Text("tenant_id"u8, TenantId);
        if (TenantIds.Count > 1)
        {
            json.StartArray("tenant_ids"u8);
            for (var i = 0; i < TenantIds.Count; i++)
            {
                json.TextValue(TenantIds[i]);
            }

            json.EndArray();
        }

        if (RequestTenants is { } requests && requests.Values.Any(n => n > 0))
        {
            json.StartObject("requests"u8);
            foreach (var (tenant, count) in requests)
            {
                json.Number(tenant, count);
            }

            json.EndObject();
        }

        json.StartArray("basis"u8);
        for (var i = 0; i < Basis.Count; i++)
        {
            json.TextValue(Basis[i]);
        }

        json.EndArray();
        if (Confidence is { } confidence)
        {
            json.Number("confidence"u8, confidence);
        }
        else
        {
            json.Null("confidence"u8);
        }

        if (Plan is not null)
        {
            json.Text("plan"u8, Plan);
        }

        json.Text("model"u8, Model);
        json.EndObject();
        return true;
    }
}
