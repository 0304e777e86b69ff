using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Sessions.Http;

namespace Sensor.Sessions.Tls;

/// <summary>
/// Passive TLS decryption for a worker's TLS sessions: where keys come from (key log files and pcapng secrets, merged in
/// one store) and what consumes the plaintext (by default the HTTP sessions; tests put a recorder there).
/// </summary>
public sealed class TlsDecryption
{
    private readonly Func<FlowIdentity, StreamContext, string?, IStreamConsumer>? _inner;

    /// <param name="inner">Makes the one plaintext consumer of a flow from its identity, context and ALPN; null: <see cref="HttpSessions"/>.</param>
    public TlsDecryption(TlsKeyStore keys, Func<FlowIdentity, StreamContext, string?, IStreamConsumer>? inner = null)
    {
        Keys = keys;
        _inner = inner;
    }

    public TlsKeyStore Keys { get; }

    internal IStreamConsumer CreateInner(FlowIdentity flow, StreamContext context, string? alpn) =>
        _inner is null ? HttpSessions.Create(flow, context, alpn, decrypted: true) : _inner(flow, context, alpn);
}
