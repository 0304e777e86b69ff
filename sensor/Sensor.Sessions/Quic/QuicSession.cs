using System.Buffers;
using System.Security.Cryptography;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Parsing;
using Sensor.Core.Streams;
using Sensor.Protocols.Quic;
using Sensor.Protocols.Tls;
using Sensor.Sessions.Tls;

namespace Sensor.Sessions.Quic;

/// <summary>
/// A QUIC connection seen from outside: the client's Initial packets are opened with the public Initial keys,
/// their CRYPTO frames reassembled, and the ClientHello read by the same parser as TLS over TCP; one <c>quic</c>
/// event with SNI, ALPN and JA4 (<c>q</c> prefix). Everything after the Initials is encrypted and left alone.
/// </summary>
internal sealed class QuicSession : IDatagramConsumer, IDisposable
{
    /// <summary>Client Initials read before giving up: a ClientHello fits in two or three even with post-quantum shares.</summary>
    private const int MaxInitialPackets = 16;

    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly CryptoStreamBuffer _crypto = new();
    private byte[]? _connectionId;
    private QuicInitialKeys _keys;
    private AesGcm? _aead;
    private Aes? _headerProtection;
    private uint _version;
    private int _packets;
    private bool _done;

    public QuicSession(FlowIdentity flow, StreamContext context)
    {
        _flow = flow;
        _context = context;
        flow.AppProto ??= "quic";
    }

    /// <summary>Whether a datagram starts like a QUIC v1/v2 long-header packet (the UDP probe).</summary>
    public static bool LooksLikeQuic(ReadOnlySpan<byte> datagram) =>
        QuicInitialPacket.TryReadHeader(datagram, out _, out _, out _, out _) is ParseStatus.Done;

    public void OnDatagram(Direction direction, ReadOnlySpan<byte> payload)
    {
        if (_done || direction != Direction.ToServer)
        {
            return;
        }

        // Coalesced packets: read each Initial; skip other long-header types; stop at anything else.
        while (!payload.IsEmpty && !_done)
        {
            var status = QuicInitialPacket.TryReadHeader(payload, out var version, out var dcid, out var isInitial, out var length);
            if (status != ParseStatus.Done || !isInitial)
            {
                return;
            }

            OpenInitial(payload[..length], version, payload[dcid]);
            payload = payload[length..];
        }
    }

    public void OnEnd(EndReason reason) => Dispose();

    public void Dispose()
    {
        _done = true;
        _aead?.Dispose();
        _headerProtection?.Dispose();
        _aead = null;
        _headerProtection = null;
    }

    private void OpenInitial(ReadOnlySpan<byte> packet, uint version, ReadOnlySpan<byte> connectionId)
    {
        if (++_packets > MaxInitialPackets)
        {
            Dispose();
            return;
        }

        if (_connectionId is null || !connectionId.SequenceEqual(_connectionId) || version != _version)
        {
            // Keys follow the client's chosen DCID (a new one after a Retry or a version change).
            _connectionId = connectionId.ToArray();
            _version = version;
            _keys = QuicInitialKeys.ForClient(version, connectionId);
            _aead?.Dispose();
            _headerProtection?.Dispose();
            _aead = new AesGcm(_keys.Key, 16);
            _headerProtection = Aes.Create();
            _headerProtection.Key = _keys.HeaderProtection.ToArray();
        }

        var plaintext = ArrayPool<byte>.Shared.Rent(packet.Length);
        try
        {
            var length = QuicInitialPacket.TryOpen(packet, _keys, _aead!, _headerProtection!, plaintext, out _);
            if (length < 0)
            {
                Report(AnomalyKind.QuicInitialUndecryptable);
                return;
            }

            if (!QuicCryptoFrames.Read(plaintext.AsSpan(0, length), _crypto) || _crypto.Overflow)
            {
                Report(AnomalyKind.QuicMalformedFrames);
                Dispose();
                return;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }

        TryReadClientHello();
    }

    private void TryReadClientHello()
    {
        // Handshake message header: type(1) length(3).
        var prefix = _crypto.Prefix;
        if (prefix.Length < 4)
        {
            return;
        }

        var length = (prefix[1] << 16) | (prefix[2] << 8) | prefix[3];
        if (prefix.Length < 4 + length)
        {
            return;
        }

        var body = prefix.Slice(4, length);
        var info = default(ClientHelloInfo);
        if (prefix[0] != TlsConstants.ClientHello || ClientHelloReader.Read(body, ref info) != ParseStatus.Done)
        {
            Report(AnomalyKind.QuicMalformedClientHello);
            Dispose();
            return;
        }

        _context.Events.Write(new QuicEvent(_context.Clock.NowMicros, _flow)
        {
            Version = QuicVersion.Name(_version),
            Sni = TlsHandshakeSummary.ServerName(body, info),
            Alpns = info.HasAlpn ? TlsHandshakeSummary.AlpnList(body[info.Alpn]) : [],
            Ja4 = TlsHandshakeSummary.Ja4Of(body, info, 'q'),
            Ech = info.HasEncryptedClientHello,
        });
        Dispose();
    }

    private void Report(AnomalyKind kind) => _context.Anomalies.Report(kind, _context.Clock.NowMicros, _flow);
}
