using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Payloads;

namespace Sensor.Sessions.Http;

/// <summary>
/// <c>http</c>: one per request/response exchange, HTTP/1.x or an HTTP/2 stream (events.md, Suricata's http record),
/// plus what the inspection stage learnt: the AI API call, the tenant evidence, the client's credential (never its
/// value or hash). URL and header values that a detector marked are written as <see cref="Redacted"/>.
/// </summary>
public sealed class HttpEvent : SensorEvent
{
    /// <summary>What replaces a value a detector found a secret in.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>Longest string field written: operations.md R12 caps logged fields at 8 KiB (CVE-2024-28870's log flood).</summary>
    public const int MaxFieldChars = 8 * 1024;

    public HttpEvent(long timestampMicros, FlowIdentity flow, HttpExchange exchange, bool complete)
        : base(timestampMicros, flow)
    {
        Exchange = exchange;
        Complete = complete;
    }

    public override string EventType => "http";

    /// <summary>The exchange this event describes, for the inspection stage (read it, do not keep it).</summary>
    public HttpExchange Exchange { get; }

    /// <summary>False when the connection ended (or parsing stopped) before the response was complete.</summary>
    public bool Complete { get; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        var x = Exchange;
        var truncated = false;
        writer.WriteStartObject("http");
        Field(writer, "hostname", x.Host, PayloadLocation.RequestHeader("host"), ref truncated);
        var url = x.Target is null ? null : x.IsRedacted(PayloadLocation.RequestUrl) ? UrlCredentials.RedactDetected(x.Target) : UrlCredentials.Redact(x.Target);
        Field(writer, "url", url, location: null, ref truncated);
        Field(writer, "http_method", x.Method, null, ref truncated);
        writer.WriteString("protocol", x.Protocol);
        if (x.Status is { } status)
        {
            writer.WriteNumber("status", status);
        }

        Header(writer, "http_user_agent", x.RequestHeaders, "user-agent", request: true, ref truncated);
        var referer = x.RequestHeaders.Get("referer");
        Field(writer, "http_refer", referer is null ? null : UrlCredentials.Redact(referer), PayloadLocation.RequestHeader("referer"), ref truncated);
        Header(writer, "http_content_type", x.ResponseHeaders, "content-type", request: false, ref truncated);
        writer.WriteNumber("length", x.ResponseBody.WireLength);
        Header(writer, "request_content_type", x.RequestHeaders, "content-type", request: true, ref truncated);
        Header(writer, "request_content_encoding", x.RequestHeaders, "content-encoding", request: true, ref truncated);
        Header(writer, "content_encoding", x.ResponseHeaders, "content-encoding", request: false, ref truncated);
        writer.WriteNumber("request_body_length", x.RequestBody.WireLength);
        writer.WriteNumber("request_body_decoded_length", x.RequestBody.DecodedLength);
        writer.WriteNumber("response_body_decoded_length", x.ResponseBody.DecodedLength);
        writer.WriteBoolean("request_body_truncated", x.RequestBody.Truncated);
        writer.WriteBoolean("response_body_truncated", x.ResponseBody.Truncated);
        writer.WriteBoolean("event_stream", x.ResponseIsEventStream);
        if (x.StreamId != 0)
        {
            writer.WriteNumber("stream_id", x.StreamId);
        }

        writer.WriteNumber("tx_id", x.Index);
        writer.WriteBoolean("complete", Complete);
        writer.WriteBoolean("decrypted", x.Decrypted);
        WriteAi(writer, x.AiCall);
        WriteEvidence(writer, x);
        if (x.Credential is { } credential)
        {
            // Kind, where and the format prefix only: the value and its SHA-256 never leave memory.
            writer.WriteStartObject("credential");
            writer.WriteString("kind", credential.Kind);
            writer.WriteString("location", credential.Location);
            writer.WriteString("prefix", credential.FormatPrefix);
            writer.WriteEndObject();
        }

        if (x.TenantVerdict is { } verdict)
        {
            // Per request: one keep-alive connection can carry several tenants (the ai event sums them up).
            writer.WriteStartObject("tenant");
            writer.WriteString("verdict", verdict.Tenant);
            if (verdict.TenantId is not null)
            {
                writer.WriteString("tenant_id", verdict.TenantId);
            }

            writer.WriteStartArray("basis");
            foreach (var basis in verdict.Basis)
            {
                writer.WriteStringValue(basis);
            }

            writer.WriteEndArray();
            if (verdict.Confidence is { } confidence)
            {
                writer.WriteNumber("confidence", confidence);
            }

            writer.WriteEndObject();
        }

        if (truncated)
        {
            writer.WriteBoolean("fields_truncated", true);
        }

        writer.WriteEndObject();
    }

    private void Header(Utf8JsonWriter writer, string name, HttpHeaderList headers, string header, bool request, ref bool truncated) =>
        Field(writer, name, headers.Get(header), request ? PayloadLocation.RequestHeader(header) : PayloadLocation.ResponseHeader(header), ref truncated);

    private void Field(Utf8JsonWriter writer, string name, string? value, string? location, ref bool truncated)
    {
        if (value is null)
        {
            return;
        }

        if (location is not null && Exchange.IsRedacted(location))
        {
            writer.WriteString(name, Redacted);
            return;
        }

        if (value.Length > MaxFieldChars)
        {
            truncated = true;
            value = value[..MaxFieldChars];
        }

        writer.WriteString(name, value);
    }

    private static void WriteAi(Utf8JsonWriter writer, AiApiCall? ai)
    {
        if (ai is null)
        {
            return;
        }

        writer.WriteStartObject("ai");
        writer.WriteString("api", ai.Api);
        if (ai.Model is not null)
        {
            writer.WriteString("model", ai.Model);
        }

        writer.WriteBoolean("stream", ai.Stream);
        writer.WriteStartArray("tools");
        foreach (var tool in ai.Tools)
        {
            writer.WriteStringValue(tool);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("mcp_servers");
        foreach (var url in ai.McpServerUrls)
        {
            writer.WriteStringValue(url);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteEvidence(Utf8JsonWriter writer, HttpExchange x)
    {
        if (x.Evidence.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("tenant_evidence");
        foreach (var e in x.Evidence)
        {
            writer.WriteStartObject();
            writer.WriteString("vendor", e.Vendor);
            writer.WriteString("basis", e.Basis);
            writer.WriteString("kind", e.Kind);
            writer.WriteString("value", x.IsRedacted(e.Basis) ? Redacted : e.Value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
