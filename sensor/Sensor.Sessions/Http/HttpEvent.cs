using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Json;
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

    /// <summary>
    /// The same bytes as <see cref="WriteBody"/>, built as bytes: one per exchange of a decrypted run. The six header
    /// fields come from one pass over each header list, and a location is looked up only when something was redacted.
    /// </summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        var x = Exchange;
        var redactions = x.RedactedLocations is { Count: > 0 };
        var truncated = false;
        string? userAgent = null, referer = null, requestType = null, requestEncoding = null;
        foreach (var header in x.RequestHeaders)
        {
            switch (header.Name)
            {
                case "user-agent":
                    userAgent ??= header.Value;
                    break;
                case "referer":
                    referer ??= header.Value;
                    break;
                case "content-type":
                    requestType ??= header.Value;
                    break;
                case "content-encoding":
                    requestEncoding ??= header.Value;
                    break;
            }
        }

        string? responseType = null, responseEncoding = null;
        foreach (var header in x.ResponseHeaders)
        {
            switch (header.Name)
            {
                case "content-type":
                    responseType ??= header.Value;
                    break;
                case "content-encoding":
                    responseEncoding ??= header.Value;
                    break;
            }
        }

        json.StartObject("http"u8);
        Field(json, "hostname"u8, x.Host, redactions ? s_hostLocation : null, ref truncated);
        var url = x.Target is null ? null : redactions && x.IsRedacted(PayloadLocation.RequestUrl) ? UrlCredentials.RedactDetected(x.Target) : UrlCredentials.Redact(x.Target);
        Field(json, "url"u8, url, location: null, ref truncated);
        Field(json, "http_method"u8, x.Method, null, ref truncated);
        json.Text("protocol"u8, x.Protocol);
        if (x.Status is { } status)
        {
            json.Number("status"u8, status);
        }

        Field(json, "http_user_agent"u8, userAgent, redactions ? s_userAgentLocation : null, ref truncated);
        Field(json, "http_refer"u8, referer is null ? null : UrlCredentials.Redact(referer), redactions ? s_refererLocation : null, ref truncated);
        Field(json, "http_content_type"u8, responseType, redactions ? s_responseTypeLocation : null, ref truncated);
        json.Number("length"u8, x.ResponseBody.WireLength);
        Field(json, "request_content_type"u8, requestType, redactions ? s_requestTypeLocation : null, ref truncated);
        Field(json, "request_content_encoding"u8, requestEncoding, redactions ? s_requestEncodingLocation : null, ref truncated);
        Field(json, "content_encoding"u8, responseEncoding, redactions ? s_responseEncodingLocation : null, ref truncated);
        json.Number("request_body_length"u8, x.RequestBody.WireLength);
        json.Number("request_body_decoded_length"u8, x.RequestBody.DecodedLength);
        json.Number("response_body_decoded_length"u8, x.ResponseBody.DecodedLength);
        json.Boolean("request_body_truncated"u8, x.RequestBody.Truncated);
        json.Boolean("response_body_truncated"u8, x.ResponseBody.Truncated);
        json.Boolean("event_stream"u8, x.ResponseIsEventStream);
        if (x.StreamId != 0)
        {
            json.Number("stream_id"u8, x.StreamId);
        }

        json.Number("tx_id"u8, x.Index);
        json.Boolean("complete"u8, Complete);
        json.Boolean("decrypted"u8, x.Decrypted);
        WriteAi(json, x.AiCall);
        WriteEvidence(json, x);
        if (x.Credential is { } credential)
        {
            json.StartObject("credential"u8);
            json.Text("kind"u8, credential.Kind);
            json.Text("location"u8, credential.Location);
            json.Text("prefix"u8, credential.FormatPrefix);
            json.EndObject();
        }

        if (x.TenantVerdict is { } verdict)
        {
            json.StartObject("tenant"u8);
            json.Text("verdict"u8, verdict.Tenant);
            if (verdict.TenantId is not null)
            {
                json.Text("tenant_id"u8, verdict.TenantId);
            }

            json.StartArray("basis"u8);
            for (var i = 0; i < verdict.Basis.Count; i++)
            {
                json.TextValue(verdict.Basis[i]);
            }

            json.EndArray();
            if (verdict.Confidence is { } confidence)
            {
                json.Number("confidence"u8, confidence);
            }

            json.EndObject();
        }

        if (truncated)
        {
            json.Boolean("fields_truncated"u8, true);
        }

        json.EndObject();
        return true;
    }

    private static readonly string s_hostLocation = PayloadLocation.RequestHeader("host");
    private static readonly string s_userAgentLocation = PayloadLocation.RequestHeader("user-agent");
    private static readonly string s_refererLocation = PayloadLocation.RequestHeader("referer");
    private static readonly string s_requestTypeLocation = PayloadLocation.RequestHeader("content-type");
    private static readonly string s_requestEncodingLocation = PayloadLocation.RequestHeader("content-encoding");
    private static readonly string s_responseTypeLocation = PayloadLocation.ResponseHeader("content-type");
    private static readonly string s_responseEncodingLocation = PayloadLocation.ResponseHeader("content-encoding");

    /// <param name="location">Where a detector may have redacted the value; null when it cannot be (or nothing was redacted).</param>
    private void Field(PlainJsonBuilder json, ReadOnlySpan<byte> name, string? value, string? location, ref bool truncated)
    {
        if (value is null)
        {
            return;
        }

        if (location is not null && Exchange.IsRedacted(location))
        {
            json.Text(name, Redacted);
            return;
        }

        if (value.Length > MaxFieldChars)
        {
            truncated = true;
            json.Text(name, value.AsSpan(0, MaxFieldChars));
            return;
        }

        json.Text(name, value);
    }

    private static void WriteAi(PlainJsonBuilder json, AiApiCall? ai)
    {
        if (ai is null)
        {
            return;
        }

        json.StartObject("ai"u8);
        json.Text("api"u8, ai.Api);
        if (ai.Model is not null)
        {
            json.Text("model"u8, ai.Model);
        }

        json.Boolean("stream"u8, ai.Stream);
        json.StartArray("tools"u8);
        foreach (var tool in ai.Tools)
        {
            json.TextValue(tool);
        }

        json.EndArray();
        json.StartArray("mcp_servers"u8);
        foreach (var url in ai.McpServerUrls)
        {
            json.TextValue(url);
        }

        json.EndArray();
        json.EndObject();
    }

    private static void WriteEvidence(PlainJsonBuilder json, HttpExchange x)
    {
        if (x.Evidence.Count == 0)
        {
            return;
        }

        json.StartArray("tenant_evidence"u8);
        foreach (var e in x.Evidence)
        {
            json.StartObject();
            json.Text("vendor"u8, e.Vendor);
            json.Text("basis"u8, e.Basis);
            json.Text("kind"u8, e.Kind);
            json.Text("value"u8, x.IsRedacted(e.Basis) ? Redacted : e.Value);
            json.EndObject();
        }

        json.EndArray();
    }
}
