using System.Buffers;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Parsing;
using Sensor.Core.Streams;
using Sensor.Protocols.Tls;

namespace Sensor.Sessions.Tls;

/// <summary>
/// A TLS connection seen from outside: the clear part of the handshake in each direction, turned into one
/// <c>tls</c> event (SNI, ALPN, versions, JA3/JA3S, JA4, TLS 1.2 certificate, ECH). When a key store is configured and
/// holds this connection's secrets, the protected records are decrypted too (<see cref="TlsDecryptedStream"/>) and the
/// plaintext goes to one inner consumer; the tls event then waits until the first protected record opened (or failed)
/// so that <c>tls.decrypted</c> is true only for flows that really decrypt.
/// </summary>
internal sealed class TlsSession : IStreamConsumer
{
    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly TlsHandshakeReassembler _client = new();
    private readonly TlsHandshakeReassembler _server = new();
    private readonly ClientSide _clientSide;
    private readonly ServerSide _serverSide;
    private bool _emitted;
    private bool _helloDone;

    private readonly CertificateCache _certificates;
    private readonly TlsDecryptedStream? _decrypted;
    private byte[]? _clientRandom;

    public TlsSession(FlowIdentity flow, StreamContext context, CertificateCache certificates, TlsDecryption? decryption = null)
    {
        _flow = flow;
        _context = context;
        _certificates = certificates;
        _clientSide = new ClientSide(this);
        _serverSide = new ServerSide(this);
        _decrypted = decryption is null ? null : new TlsDecryptedStream(flow, context, decryption);
        flow.AppProto ??= "tls";
    }

    /// <summary>The client's application-data records, counted after the handshake until the session stops reading.</summary>
    public TlsTraffic Traffic { get; } = new();

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        if (_flow.AppLayerDone)
        {
            return; // segments already buffered when the flow was told: nothing here reads them
        }

        ParseHandshake(direction, data);

        // The handshake parse comes first: a ServerHello in these bytes arms the keys before its own flight is decrypted.
        _decrypted?.OnData(direction, data);
        if (_helloDone && !_emitted && (_decrypted?.OutcomeKnown ?? true))
        {
            Emit();
        }

        if (_emitted && (_decrypted?.Disabled ?? true) && Traffic.ClientSentData(NegotiatedVersion == 0x0304))
        {
            // Without keys for this flow nothing after this point can change an event: the tls event is out, and the one
            // fact read from the encrypted records (whether the client sent data, for the ai event) is settled.
            _client.Release();
            _server.Release();
            _flow.AppLayerDone = true;
        }
    }

    /// <summary>The version the event reports: the server's choice, else the highest the client offered.</summary>
    private ushort? NegotiatedVersion => _serverSide.Hello?.Version ?? _clientSide.Hello?.HighestVersion;

    private void ParseHandshake(Direction direction, ReadOnlySequence<byte> data)
    {
        var side = direction == Direction.ToServer ? _client : _server;
        var before = side.Status;
        if (before is TlsStreamStatus.Invalid or TlsStreamStatus.TooLarge)
        {
            return;
        }

        var status = side.Feed(data, direction == Direction.ToServer ? _clientSide : _serverSide);
        Traffic.Update(_client);
        if (before != TlsStreamStatus.NeedMoreData || _emitted)
        {
            return;
        }

        if (status is TlsStreamStatus.Invalid or TlsStreamStatus.TooLarge)
        {
            Report(status == TlsStreamStatus.Invalid ? AnomalyKind.TlsMalformedRecord : AnomalyKind.TlsHandshakeTooLarge);
        }

        if (direction == Direction.ToClient && status != TlsStreamStatus.NeedMoreData && _clientSide.Hello is not null)
        {
            _helloDone = true;
        }
    }

    public void OnGap(Direction direction, long missingBytes)
    {
        // A gap inside the handshake leaves nothing trustworthy to parse in that direction.
        (direction == Direction.ToServer ? _client : _server).Abandon();
        _decrypted?.OnGap(direction, missingBytes);
    }

    public void OnEnd(Direction direction, EndReason reason)
    {
        if (!_emitted && (_clientSide.Hello is not null || _serverSide.Hello is not null))
        {
            Emit();
        }

        _client.Release();
        _server.Release();
        _decrypted?.OnEnd(direction, reason);
    }

    /// <summary>The ServerHello that fixes the keys (not a HelloRetryRequest): arm decryption when the store has them.</summary>
    private void OnKeyingServerHello(ReadOnlySpan<byte> body, in ServerHelloInfo info)
    {
        if (_decrypted is null)
        {
            return;
        }

        if (_clientRandom is null)
        {
            _decrypted.Disable();
            return;
        }

        var encryptThenMac = TlsExtensions.TryFind(body[info.Extensions], TlsExtensions.EncryptThenMac, out _);
        _decrypted.Arm(info.CipherSuite, info.NegotiatedVersion, _clientRandom, body.Slice(2, 32), encryptThenMac);
        if (_serverSide.Hello?.Alpn is { } alpn)
        {
            _decrypted.Alpn = alpn;
        }
    }

    private void Report(AnomalyKind kind) => _context.Anomalies.Report(kind, _context.Clock.NowMicros, _flow);

    private void Emit()
    {
        _emitted = true;
        var c = _clientSide.Hello;
        var s = _serverSide.Hello;
        var version = NegotiatedVersion;
        var sni = c?.Sni;
        var certificate = _serverSide.Certificate;
        _context.Events.Write(new TlsEvent(_context.Clock.NowMicros, _flow)
        {
            Sni = sni,
            Version = version is { } v ? TlsHandshakeSummary.VersionName(v) : null,
            ClientAlpns = c?.Fingerprints.Alpns ?? [],
            ServerAlpn = s?.Alpn ?? _decrypted?.Alpn,
            OfferedVersions = c?.Fingerprints.OfferedVersions ?? [],
            Ja3Hash = c?.Fingerprints.Ja3Hash,
            Ja3String = c?.Fingerprints.Ja3Text,
            Ja4 = c?.Fingerprints.Ja4,
            Ja3sHash = s?.Ja3sHash,
            Ja3sString = s?.Ja3sString,
            CipherSuite = s is null ? null : TlsHandshakeSummary.Hex4(s.CipherSuite),
            Subject = certificate?.Subject,
            Issuer = certificate?.Issuer,
            SubjectAltNames = certificate?.DnsNames ?? [],
            SniMatchesCertificate = certificate is not null && sni is not null ? certificate.Matches(sni) : null,
            Ech = c?.Ech ?? false,
            Decrypted = _decrypted?.Decrypted ?? false,
            Traffic = Traffic,
        });
    }

    /// <summary>What the ClientHello said, as strings for the event.</summary>
    internal sealed record ClientHelloSummary(string? Sni, ushort HighestVersion, ClientHelloFingerprints Fingerprints, bool Ech);

    internal sealed record ServerHelloSummary(ushort Version, ushort CipherSuite, string? Alpn, string? Ja3sHash, string? Ja3sString);

    private sealed class ClientSide(TlsSession session) : ITlsHandshakeHandler
    {
        public ClientHelloSummary? Hello { get; private set; }

        public bool OnHandshakeMessage(byte type, ReadOnlySpan<byte> body)
        {
            if (type != TlsConstants.ClientHello)
            {
                return false; // anything else from the client in the clear means the hello is behind us
            }

            var info = default(ClientHelloInfo);
            if (ClientHelloReader.Read(body, ref info) != ParseStatus.Done)
            {
                session.Report(AnomalyKind.TlsMalformedClientHello);
                return false;
            }

            if (session._decrypted is not null && body[info.Random].Length == 32)
            {
                session._clientRandom = body[info.Random].ToArray();
            }

            Hello = new ClientHelloSummary(
                TlsHandshakeSummary.ServerName(body, info),
                info.HighestVersion(body),
                TlsHandshakeSummary.ClientFingerprints(body, info, 't'),
                info.HasEncryptedClientHello);
            return false; // one ClientHello is all we need from this side
        }
    }

    private sealed class ServerSide(TlsSession session) : ITlsHandshakeHandler
    {
        public ServerHelloSummary? Hello { get; private set; }

        public TlsCertificateSummary? Certificate { get; private set; }

        /// <summary>A HelloRetryRequest came first: the next ServerHello is the one the keys belong to.</summary>
        private bool _afterRetry;

        public bool OnHandshakeMessage(byte type, ReadOnlySpan<byte> body)
        {
            if (type == TlsConstants.ServerHello && _afterRetry)
            {
                _afterRetry = false;
                var second = default(ServerHelloInfo);
                if (ServerHelloReader.Read(body, ref second) == ParseStatus.Done && !second.IsHelloRetryRequest)
                {
                    session.OnKeyingServerHello(body, second);
                }

                return false; // TLS 1.3 encrypts everything after it
            }

            if (type == TlsConstants.ServerHello && Hello is null)
            {
                var info = default(ServerHelloInfo);
                if (ServerHelloReader.Read(body, ref info) != ParseStatus.Done)
                {
                    session.Report(AnomalyKind.TlsMalformedServerHello);
                    return false;
                }

                var (hash, text) = TlsHandshakeSummary.Ja3sOf(body, info);
                var alpn = info.HasAlpn && !body[info.Alpn].IsEmpty ? TlsHandshakeSummary.ProtocolName(body[info.Alpn]) : null;
                Hello = new ServerHelloSummary(info.NegotiatedVersion, info.CipherSuite, alpn, hash, text);
                if (!info.IsHelloRetryRequest)
                {
                    session.OnKeyingServerHello(body, info);
                }
                else
                {
                    _afterRetry = true;
                }

                // TLS 1.3 encrypts everything after the ServerHello; a HelloRetryRequest is followed by a second hello.
                return info.IsHelloRetryRequest || info.NegotiatedVersion < 0x0304;
            }

            if (type == TlsConstants.Certificate)
            {
                Certificate = session._certificates.Read(body, out var malformed);
                if (malformed)
                {
                    session.Report(AnomalyKind.TlsMalformedCertificate);
                }

                return false;
            }

            return Hello is null || type != 14; // ServerHelloDone (14) ends the server's clear flight
        }
    }
}
