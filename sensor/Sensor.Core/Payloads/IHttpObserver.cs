using Sensor.Core.Streams;

namespace Sensor.Core.Payloads;

/// <summary>
/// Sees every HTTP exchange of a worker as the HTTP sessions parse it (HTTP/1.1 and HTTP/2 alike, plaintext,
/// decrypted or proxied). Called on the worker's thread in wire order; the exchange's <c>http</c> event is written
/// after <see cref="OnResponseComplete"/> returns, so observers can add evidence and redactions first.
/// </summary>
public interface IHttpObserver
{
    /// <summary>Request line/pseudo-headers and headers are complete; the body may follow.</summary>
    void OnRequestHeaders(HttpExchange exchange)
    {
    }

    /// <summary>The request body is complete (decoded, bounded) in <see cref="HttpExchange.RequestBody"/>.</summary>
    void OnRequestComplete(HttpExchange exchange)
    {
    }

    /// <summary>Status line and response headers are complete.</summary>
    void OnResponseHeaders(HttpExchange exchange)
    {
    }

    /// <summary>
    /// Decoded body bytes as they arrive, for bodies read incrementally (SSE streams that may stay open for the whole
    /// connection). Valid only during the call.
    /// </summary>
    void OnBodyData(HttpExchange exchange, Direction direction, ReadOnlySpan<byte> decoded)
    {
    }

    /// <summary>The response is complete, or the connection ended with the exchange open (then <paramref name="ended"/> is false).</summary>
    void OnResponseComplete(HttpExchange exchange, bool ended)
    {
    }
}
