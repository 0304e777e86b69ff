using System.Buffers;
using System.Buffers.Binary;
using Sensor.Core.Parsing;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// One direction of a TLS connection, from its first byte, turned into plaintext once keys are armed: walks the record
/// layer across segments, skips the clear handshake, and opens protected records. TLS 1.2: everything after this
/// direction's ChangeCipherSpec. TLS 1.3: application_data records, with the handshake traffic keys up to this side's
/// Finished and the application traffic keys after it, moving to the next generation on each KeyUpdate.
/// A record that arrives whole in one segment is decrypted in place; only a record split across segments is copied,
/// into a pooled buffer. Plaintext goes to a pooled buffer. Both are rented for one record and returned right after,
/// so an idle keep-alive connection holds no buffer (renting from the shared pool allocates nothing).
/// </summary>
public sealed class TlsDecryptingReader : IDisposable
{
    /// <summary>
    /// The largest EncryptedExtensions we hold to read the ALPN from. Servers send a few dozen bytes (ALPN, server_name
    /// ack, early_data, QUIC transport parameters in QUIC only); 4 KiB bounds a hostile one. Larger: ALPN unknown, no error.
    /// </summary>
    public const int MaxEncryptedExtensions = 4096;

    /// <summary>
    /// TLS 1.3 client records that may fail to open before its first handshake record does: 0-RTT early data the server
    /// rejected is skipped by trial decryption (RFC 8446 §4.2.10). OpenSSL's default max_early_data is 16 KiB of
    /// plaintext; four times that bounds the records we try before declaring the keys wrong.
    /// </summary>
    public const int MaxEarlyDataSkipped = 64 * 1024;

    // HandshakeType (RFC 8446 §4)
    private const byte EncryptedExtensions = 8;
    private const byte Finished = 20;
    private const byte KeyUpdate = 24;

    private readonly byte[] _header = new byte[TlsRecordReader.HeaderLength];
    private int _headerFill;
    private long _skip;
    private byte[]? _record;
    private int _recordFill;
    private int _recordLength;
    private byte[]? _plain;

    private TlsDirectionKeys? _keys;
    private TlsRecordDecryptor? _decryptor;
    private bool _changeCipherSpecSeen;
    private bool _applicationKeys;
    private byte[] _trafficSecret = [];
    private int _earlyDataBudget;

    // TLS 1.3 handshake messages inside decrypted records: only their boundaries are tracked (and EncryptedExtensions kept).
    private readonly byte[] _messageHeader = new byte[4];
    private int _messageHeaderFill;
    private int _messageLeft;
    private byte[]? _extensions;
    private int _extensionsFill;

    public TlsDecryptingState State { get; private set; } = TlsDecryptingState.Active;

    /// <summary>Why the direction failed (when <see cref="State"/> is Failed).</summary>
    public TlsDecryptStatus Failure { get; private set; }

    /// <summary>Whether keys were armed.</summary>
    public bool Armed => _keys is not null;

    public long RecordsDecrypted { get; private set; }

    public long ApplicationBytes { get; private set; }

    /// <summary>Sets this direction's keys; must come before its first protected record (the hellos are parsed first).</summary>
    /// <param name="encryptThenMac">TLS 1.2 CBC: whether both hellos carried encrypt_then_mac (RFC 7366).</param>
    /// <param name="mayHaveEarlyData">TLS 1.3 client direction: skip records that fail before the first one opens.</param>
    public void Arm(TlsDirectionKeys keys, bool encryptThenMac = false, bool mayHaveEarlyData = false)
    {
        if (_keys is not null || State != TlsDecryptingState.Active)
        {
            return;
        }

        _keys = keys;
        var suite = keys.Suite;
        if (suite.Tls13)
        {
            var ahead = keys.Tls13KeysAndIvs;
            if (ahead.Length == 2 * (suite.KeyLength + 12))
            {
                _decryptor = new TlsRecordDecryptor(suite, ahead.AsSpan(0, suite.KeyLength), ahead.AsSpan(suite.KeyLength, 12));
            }
            else
            {
                Span<byte> key = stackalloc byte[suite.KeyLength];
                Span<byte> iv = stackalloc byte[12];
                Tls13KeySchedule.TrafficKeys(suite.Hash, keys.HandshakeSecret, key, iv);
                _decryptor = new TlsRecordDecryptor(suite, key, iv);
                key.Clear();
            }

            _trafficSecret = keys.TrafficSecret;
            _earlyDataBudget = mayHaveEarlyData ? MaxEarlyDataSkipped : 0;
        }
        else
        {
            _decryptor = new TlsRecordDecryptor(suite, keys.Key, keys.Iv, keys.MacKey, encryptThenMac);
        }
    }

    public void Feed(ReadOnlySequence<byte> data, ITlsPlaintextHandler handler)
    {
        foreach (var segment in data)
        {
            var span = segment.Span;
            while (!span.IsEmpty && State == TlsDecryptingState.Active)
            {
                span = span[Step(span, handler)..];
            }

            if (State != TlsDecryptingState.Active)
            {
                return;
            }
        }
    }

    /// <summary>A gap or the end of the stream: nothing after can be decrypted in order. Returns the buffers.</summary>
    public void Stop()
    {
        if (State == TlsDecryptingState.Active)
        {
            State = TlsDecryptingState.Off;
        }

        Release();
    }

    public void Dispose()
    {
        Stop();
        _decryptor?.Dispose();
        _decryptor = null;
    }

    private int Step(ReadOnlySpan<byte> input, ITlsPlaintextHandler handler)
    {
        if (_skip > 0)
        {
            var step = (int)Math.Min(_skip, input.Length);
            _skip -= step;
            return step;
        }

        if (_recordLength > 0)
        {
            var more = Math.Min(_recordLength - _recordFill, input.Length);
            input[..more].CopyTo(_record.AsSpan(_recordFill));
            _recordFill += more;
            if (_recordFill == _recordLength)
            {
                _recordLength = 0;
                Open(_record.AsSpan(0, _recordFill), handler);
                ReturnRecordBuffer();
            }

            return more;
        }

        if (_headerFill == 0 && input.Length >= TlsRecordReader.HeaderLength)
        {
            var length = HeaderLength(input, out var protectedRecord);
            if (length < 0)
            {
                return input.Length;
            }

            var total = TlsRecordReader.HeaderLength + length;
            if (!protectedRecord)
            {
                var taken = Math.Min(total, input.Length);
                _skip = total - taken;
                return taken;
            }

            if (input.Length >= total)
            {
                Open(input[..total], handler); // the common case: decrypt straight from the segment
                return total;
            }

            StartBuffering(input[..TlsRecordReader.HeaderLength], total);
            return TlsRecordReader.HeaderLength;
        }

        var take = Math.Min(TlsRecordReader.HeaderLength - _headerFill, input.Length);
        input[..take].CopyTo(_header.AsSpan(_headerFill));
        _headerFill += take;
        if (_headerFill < TlsRecordReader.HeaderLength)
        {
            return take;
        }

        _headerFill = 0;
        var fragment = HeaderLength(_header, out var isProtected);
        if (fragment < 0)
        {
            return take;
        }

        if (!isProtected)
        {
            _skip = fragment;
        }
        else
        {
            StartBuffering(_header, TlsRecordReader.HeaderLength + fragment);
        }

        return take;
    }

    /// <summary>
    /// The fragment length of the record whose header starts <paramref name="header"/>, and whether it is protected;
    /// -1 after stopping (a malformed header, or protected data without keys).
    /// </summary>
    private int HeaderLength(ReadOnlySpan<byte> header, out bool protectedRecord)
    {
        protectedRecord = false;
        if (TlsRecordReader.TryRead(header[..TlsRecordReader.HeaderLength], out var type, out _).Status == ParseStatus.Invalid)
        {
            Fail(TlsDecryptStatus.Malformed);
            return -1;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        var tls13 = _keys?.Suite.Tls13 ?? false;
        protectedRecord = tls13 ? type == TlsConstants.ContentApplicationData : _changeCipherSpecSeen;
        if (protectedRecord || type != TlsConstants.ContentApplicationData)
        {
            if (!protectedRecord && type == TlsConstants.ContentChangeCipherSpec && _keys is not null && !tls13)
            {
                _changeCipherSpecSeen = true; // TLS 1.2: this direction's records are protected from the next one on
            }

            return length; // protected, or in the clear (hellos, a TLS 1.3 compatibility ChangeCipherSpec, an early alert)
        }

        // Application data before this direction's keys were armed (or before a TLS 1.2 ChangeCipherSpec): nothing to open.
        State = TlsDecryptingState.Off;
        Release();
        return -1;
    }

    private void StartBuffering(ReadOnlySpan<byte> header, int total)
    {
        _record ??= ArrayPool<byte>.Shared.Rent(TlsRecordReader.HeaderLength + TlsConstants.MaxRecordFragment);
        header.CopyTo(_record);
        _recordFill = TlsRecordReader.HeaderLength;
        _recordLength = total;
    }

    private void Open(ReadOnlySpan<byte> record, ITlsPlaintextHandler handler)
    {
        _plain ??= ArrayPool<byte>.Shared.Rent(TlsConstants.MaxRecordFragment);
        try
        {
            OpenInto(record, _plain, handler);
        }
        finally
        {
            ReturnPlaintextBuffer();
        }
    }

    private void OpenInto(ReadOnlySpan<byte> record, byte[] plain, ITlsPlaintextHandler handler)
    {
        var status = _decryptor!.Decrypt(record, plain, out var length, out var type);
        if (status != TlsDecryptStatus.Ok)
        {
            if (RecordsDecrypted == 0 && _earlyDataBudget >= record.Length)
            {
                _earlyDataBudget -= record.Length; // rejected 0-RTT data, sealed with keys we do not have
                return;
            }

            Fail(status);
            return;
        }

        RecordsDecrypted++;
        _earlyDataBudget = 0;
        if (type == TlsConstants.ContentApplicationData)
        {
            ApplicationBytes += length;
            if (length > 0)
            {
                handler.OnApplicationData(plain.AsMemory(0, length));
            }
        }
        else if (type == TlsConstants.ContentHandshake && _keys!.Suite.Tls13)
        {
            TrackHandshake(plain.AsSpan(0, length), handler);
        }
    }

    /// <summary>TLS 1.3 handshake messages in decrypted records: Finished moves to the application keys, KeyUpdate to the next ones.</summary>
    private void TrackHandshake(ReadOnlySpan<byte> plain, ITlsPlaintextHandler handler)
    {
        var rekey = false;
        while (!plain.IsEmpty)
        {
            if (_messageHeaderFill < 4)
            {
                var take = Math.Min(4 - _messageHeaderFill, plain.Length);
                plain[..take].CopyTo(_messageHeader.AsSpan(_messageHeaderFill));
                _messageHeaderFill += take;
                plain = plain[take..];
                if (_messageHeaderFill < 4)
                {
                    continue;
                }

                _messageLeft = (_messageHeader[1] << 16) | BinaryPrimitives.ReadUInt16BigEndian(_messageHeader.AsSpan(2));
                _extensionsFill = 0;
                if (_messageHeader[0] == EncryptedExtensions && _messageLeft <= MaxEncryptedExtensions && (_extensions?.Length ?? -1) < _messageLeft)
                {
                    _extensions = new byte[_messageLeft]; // sized to the message: servers send a few dozen bytes, not the 4 KiB cap
                }
            }

            var body = Math.Min(_messageLeft, plain.Length);
            if (_messageHeader[0] == EncryptedExtensions && _extensions is not null && _extensionsFill + body <= _extensions.Length)
            {
                plain[..body].CopyTo(_extensions.AsSpan(_extensionsFill));
                _extensionsFill += body;
            }

            _messageLeft -= body;
            plain = plain[body..];
            if (_messageLeft > 0)
            {
                continue;
            }

            _messageHeaderFill = 0;
            switch (_messageHeader[0])
            {
                case EncryptedExtensions when _extensions is not null && _extensionsFill == ((_messageHeader[1] << 16) | BinaryPrimitives.ReadUInt16BigEndian(_messageHeader.AsSpan(2))):
                    handler.OnEncryptedExtensions(_extensions.AsSpan(0, _extensionsFill));
                    break;
                case Finished when !_applicationKeys:
                    _applicationKeys = true;
                    rekey = true;
                    break;
                case KeyUpdate when _applicationKeys:
                    var next = new byte[_trafficSecret.Length];
                    Tls13KeySchedule.NextTrafficSecret(_keys!.Suite.Hash, _trafficSecret, next);
                    _trafficSecret = next;
                    rekey = true;
                    break;
            }
        }

        if (rekey)
        {
            // RFC 8446 §5.1: handshake messages may not span a key change, so the new keys start with the next record.
            var suite = _keys!.Suite;
            var ahead = _keys.Tls13KeysAndIvs;
            var stride = suite.KeyLength + 12;
            if (ReferenceEquals(_trafficSecret, _keys.TrafficSecret) && ahead.Length == 2 * stride)
            {
                _decryptor!.Rekey(ahead.AsSpan(stride, suite.KeyLength), ahead.AsSpan(stride + suite.KeyLength, 12)); // first application keys, derived ahead
                return;
            }

            Span<byte> key = stackalloc byte[suite.KeyLength];
            Span<byte> iv = stackalloc byte[12];
            Tls13KeySchedule.TrafficKeys(suite.Hash, _trafficSecret, key, iv);
            _decryptor!.Rekey(key, iv);
            key.Clear();
        }
    }

    private void Fail(TlsDecryptStatus status)
    {
        State = TlsDecryptingState.Failed;
        Failure = status;
        Release();
    }

    private void Release()
    {
        ReturnRecordBuffer();
        ReturnPlaintextBuffer();
        _recordLength = 0;
    }

    private void ReturnRecordBuffer()
    {
        if (_record is not null)
        {
            ArrayPool<byte>.Shared.Return(_record);
            _record = null;
        }
    }

    private void ReturnPlaintextBuffer()
    {
        if (_plain is not null)
        {
            ArrayPool<byte>.Shared.Return(_plain);
            _plain = null;
        }
    }
}
