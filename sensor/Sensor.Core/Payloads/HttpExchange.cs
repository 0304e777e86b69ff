using Sensor.Core.Events;

namespace Sensor.Core.Payloads;

/// <summary>
/// One request/response pair: an HTTP/1.1 exchange or an HTTP/2 stream, from plaintext TCP, a decrypted TLS
/// flow or the proxy. Filled by the HTTP sessions, read by the MCP and AI API parsers and the detectors, which
/// add what they learn (evidence, redactions) before the <c>http</c> event is written.
/// </summary>
public sealed class HttpExchange
{
    public HttpExchange(FlowIdentity flow, string protocol, int index, int streamId = 0)
    {
        Flow = flow;
        Protocol = protocol;
        Index = index;
        StreamId = streamId;
    }

    public FlowIdentity Flow { get; }

    /// <summary>"HTTP/1.1", "HTTP/1.0" or "HTTP/2".</summary>
    public string Protocol { get; }

    /// <summary>Position of this exchange on its connection, from 0.</summary>
    public int Index { get; }

    /// <summary>The HTTP/2 stream id, 0 for HTTP/1.x.</summary>
    public int StreamId { get; }

    /// <summary>True when the bytes came out of TLS decryption (key log) rather than plaintext TCP.</summary>
    public bool Decrypted { get; init; }

    public string? Method { get; set; }

    /// <summary>The Host header or HTTP/2 :authority, without a default port.</summary>
    public string? Host { get; set; }

    /// <summary>Request target as sent: path and query (or the absolute form for proxy requests).</summary>
    public string? Target { get; set; }

    public int? Status { get; set; }

    public HttpHeaderList RequestHeaders { get; } = [];

    public HttpHeaderList ResponseHeaders { get; } = [];

    public HttpBody RequestBody { get; } = new();

    public HttpBody ResponseBody { get; } = new();

    public long RequestMicros { get; set; }

    public long ResponseMicros { get; set; }

    /// <summary>The response is <c>text/event-stream</c>: its body arrives incrementally through <see cref="IHttpObserver.OnBodyData"/>.</summary>
    public bool ResponseIsEventStream { get; set; }

    /// <summary>Locations (<see cref="PayloadLocation"/>) where a detector found a secret: the http event redacts them.</summary>
    public HashSet<string>? RedactedLocations { get; private set; }

    /// <summary>What this exchange shows about the tenant and the client's credential, for attribution.</summary>
    public List<TenantEvidence> Evidence { get; } = [];

    /// <summary>The client's own credential on this request, if any (kind and a fingerprint, never the value).</summary>
    public CredentialInfo? Credential { get; set; }

    /// <summary>AI vendor API details (model, stream, declared tools), when the exchange is an AI API call.</summary>
    public AiApiCall? AiCall { get; set; }

    /// <summary>This request's tenant verdict, set by tenant attribution before the <c>http</c> event is written.</summary>
    public TenantVerdict? TenantVerdict { get; set; }

    public void Redact(string location) => (RedactedLocations ??= new HashSet<string>(StringComparer.Ordinal)).Add(location);

    public bool IsRedacted(string location) => RedactedLocations?.Contains(location) == true;
}
