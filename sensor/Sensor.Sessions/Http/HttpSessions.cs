using Sensor.Core.Events;
using Sensor.Core.Streams;

namespace Sensor.Sessions.Http;

/// <summary>
/// The one place that turns a byte stream known to carry HTTP (plaintext TCP, decrypted TLS, the proxy) into an
/// HTTP session: HTTP/2 when ALPN said h2 or the connection preface shows, HTTP/1.x otherwise.
/// </summary>
internal static class HttpSessions
{
    /// <param name="alpn">The negotiated ALPN protocol, when TLS said one.</param>
    /// <param name="decrypted">Whether the bytes came out of TLS decryption.</param>
    public static IStreamConsumer Create(FlowIdentity flow, StreamContext context, string? alpn, bool decrypted)
    {
        if (alpn == "h2")
        {
            return new Http2Session(flow, context, decrypted);
        }

        // Placeholder until the HTTP/1.1 session lands (issue 4).
        return NullStreamConsumer.Instance;
    }
}
