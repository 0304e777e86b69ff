using System.Buffers;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Protocols.Tls;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Sessions.Tls;

/// <summary>
/// The decrypting half of a TLS session: one reader per direction from the first byte, armed with keys when the
/// ServerHello shows which suite and version the key log secrets are for, and one inner consumer for the flow that gets
/// the application-data plaintext, gaps and ends, exactly like a plaintext flow would.
/// </summary>
internal sealed class TlsDecryptedStream
{
    private readonly FlowIdentity _flow;
    private readonly StreamContext _context;
    private readonly TlsDecryption _options;
    private readonly TlsDecryptingReader[] _readers = [new(), new()];
    private readonly Side[] _sides;
    private IStreamConsumer? _inner;
    private bool _armed;
    private bool _failed;
    private bool _disabled;

    public TlsDecryptedStream(FlowIdentity flow, StreamContext context, TlsDecryption options)
    {
        _flow = flow;
        _context = context;
        _options = options;
        _sides = [new Side(this, Direction.ToServer), new Side(this, Direction.ToClient)];
    }

    /// <summary>The server's ALPN choice: from the ServerHello (TLS 1.2) or the decrypted EncryptedExtensions (TLS 1.3).</summary>
    public string? Alpn { get; set; }

    /// <summary>Whether some protected record of this flow opened and none failed.</summary>
    public bool Decrypted => !_failed && (_readers[0].RecordsDecrypted > 0 || _readers[1].RecordsDecrypted > 0);

    /// <summary>Whether <see cref="Decrypted"/> is final enough for the tls event: not armed, a record opened, or a failure.</summary>
    public bool OutcomeKnown => !_armed || _failed || _readers[0].RecordsDecrypted > 0 || _readers[1].RecordsDecrypted > 0;

    /// <summary>Called once the (real, not retry) ServerHello is parsed: looks the keys up and arms both directions.</summary>
    public void Arm(ushort cipherSuite, ushort version, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, bool encryptThenMac)
    {
        if (_armed || !_options.Keys.TryGet(clientRandom, out var secrets))
        {
            Disable(); // no keys for this connection: metadata only, and quietly so
            return;
        }

        var status = TlsSessionKeys.Derive(cipherSuite, version, secrets, clientRandom, serverRandom, out var client, out var server);
        if (status == TlsKeyStatus.NoSecretsForVersion)
        {
            Disable(); // e.g. only TLS 1.3 lines for a random a TLS 1.2 connection reuses: no keys, no noise
            return;
        }

        if (status != TlsKeyStatus.Ok)
        {
            Report(status == TlsKeyStatus.MissingSecrets ? AnomalyKind.TlsDecryptKeysIncomplete : AnomalyKind.TlsDecryptUnsupported);
            Disable();
            return;
        }

        _armed = true;
        _readers[0].Arm(client!, encryptThenMac, mayHaveEarlyData: client!.Suite.Tls13);
        _readers[1].Arm(server!, encryptThenMac);
    }

    /// <summary>Whether this flow was found to have no keys (or no usable ServerHello): nothing of it will be decrypted.</summary>
    public bool Disabled => _disabled;

    /// <summary>No decryption for this flow (no keys, or no ServerHello to tell the suite).</summary>
    public void Disable()
    {
        _disabled = true;
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }

    public void OnData(Direction direction, ReadOnlySequence<byte> data)
    {
        var reader = _readers[(int)direction];
        if (reader.State != TlsDecryptingState.Active)
        {
            return;
        }

        reader.Feed(data, _sides[(int)direction]);
        if (reader.State == TlsDecryptingState.Failed && !_failed)
        {
            Fail(direction, reader.Failure);
        }
    }

    public void OnGap(Direction direction, long missingBytes)
    {
        _readers[(int)direction].Stop();
        _inner?.OnGap(direction, missingBytes);
    }

    public void OnEnd(Direction direction, EndReason reason)
    {
        _readers[(int)direction].Dispose();
        _inner?.OnEnd(direction, reason);
    }

    /// <summary>Wrong keys or a corrupted record: count it, stop both directions, and tell the inner consumer the rest is missing.</summary>
    private void Fail(Direction direction, TlsDecryptStatus status)
    {
        _failed = true;
        Report(status == TlsDecryptStatus.AuthenticationFailed ? AnomalyKind.TlsDecryptFailed : AnomalyKind.TlsDecryptMalformedRecord);
        foreach (var d in (ReadOnlySpan<Direction>)[direction, direction == Direction.ToServer ? Direction.ToClient : Direction.ToServer])
        {
            var wasActive = _readers[(int)d].State != TlsDecryptingState.Off || d == direction;
            _readers[(int)d].Dispose();
            if (wasActive)
            {
                _inner?.OnGap(d, 0); // how much is missing is unknown: the rest of the direction
            }
        }
    }

    private void Report(AnomalyKind kind) => _context.Anomalies.Report(kind, _context.Clock.NowMicros, _flow);

    private sealed class Side(TlsDecryptedStream stream, Direction direction) : ITlsPlaintextHandler
    {
        public void OnApplicationData(ReadOnlyMemory<byte> plaintext)
        {
            stream._inner ??= stream._options.CreateInner(stream._flow, stream._context, stream.Alpn);
            stream._inner.OnData(direction, new ReadOnlySequence<byte>(plaintext));
        }

        public void OnEncryptedExtensions(ReadOnlySpan<byte> body)
        {
            if (direction == Direction.ToClient && stream.Alpn is null && TlsExtensions.TryServerAlpn(body, out var name))
            {
                stream.Alpn = TlsHandshakeSummary.ProtocolName(body[name]);
            }
        }
    }
}
