using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// Opens the protected records of one direction of one connection: TLS 1.3 AEAD records (RFC 8446 §5.2-5.3: per-record
/// nonce = IV xor sequence number, the record header as additional data, inner content type after zero padding), TLS 1.2
/// AES-GCM (RFC 5288: 4-byte fixed IV + 8-byte explicit nonce in the record), TLS 1.2 ChaCha20-Poly1305 (RFC 7905) and TLS
/// 1.2 AES-CBC with HMAC (RFC 5246 §6.2.3.2, or encrypt-then-MAC, RFC 7366). The cipher objects are made once per key;
/// decrypting a record allocates nothing. Never throws on record content: a status says what went wrong.
/// AES-GCM runs on <see cref="AesGcmIntrinsics"/> where the CPU has AES-NI and PCLMULQDQ: the BCL's per-call set-up of
/// the OpenSSL context was most of the cost of a typical few-hundred-byte record.
/// </summary>
public sealed class TlsRecordDecryptor : IDisposable
{
    private const int TagLength = 16;
    private const int NonceLength = 12;
    private const int ExplicitNonceLength = 8;
    private const int AesBlock = 16;

    private readonly TlsCipherSuite _suite;
    private readonly bool _encryptThenMac;
    private readonly byte[] _iv = new byte[NonceLength];
    private AesGcm? _gcm;
    private AesGcmIntrinsics? _fastGcm;
    private ChaCha20Poly1305? _chacha;
    private Aes? _aes;
    private IncrementalHash? _hmac;

    /// <param name="iv">The fixed IV: 12 bytes (TLS 1.3, ChaCha20), 4 (TLS 1.2 AES-GCM), empty (CBC).</param>
    /// <param name="macKey">The HMAC key of a CBC suite.</param>
    /// <param name="encryptThenMac">Whether the hellos negotiated encrypt_then_mac (RFC 7366; CBC only).</param>
    public TlsRecordDecryptor(TlsCipherSuite suite, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> macKey = default, bool encryptThenMac = false)
    {
        _suite = suite;
        _encryptThenMac = encryptThenMac && suite.IsCbc;
        if (suite.IsCbc)
        {
            _aes = Aes.Create();
            _aes.SetKey(key);
            _hmac = IncrementalHash.CreateHMAC(suite.MacHash, macKey);
        }
        else
        {
            Rekey(key, iv);
        }
    }

    /// <summary>The next record's sequence number (starts at 0 with each key).</summary>
    public ulong SequenceNumber { get; set; }

    /// <summary>TLS 1.3: the next keys (after the handshake, or a KeyUpdate); the sequence number restarts at 0.</summary>
    public void Rekey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        _gcm?.Dispose();
        _chacha?.Dispose();
        _gcm = null;
        _chacha = null;
        if (_suite.Cipher == TlsBulkCipher.ChaCha20Poly1305)
        {
            _chacha = new ChaCha20Poly1305(key);
        }
        else if (AesGcmIntrinsics.IsSupported)
        {
            if (_fastGcm is null)
            {
                _fastGcm = new AesGcmIntrinsics(key);
            }
            else
            {
                _fastGcm.SetKey(key);
            }
        }
        else
        {
            _gcm = new AesGcm(key, TagLength);
        }

        iv.CopyTo(_iv);
        SequenceNumber = 0;
    }

    /// <summary>
    /// Decrypts one whole record (5-byte header + fragment) into <paramref name="plaintext"/>, which must be at least as long
    /// as the fragment. On Ok, <paramref name="length"/> bytes of <paramref name="contentType"/> content were written
    /// (TLS 1.3: the inner type, padding removed) and the sequence number moved on.
    /// </summary>
    public TlsDecryptStatus Decrypt(ReadOnlySpan<byte> record, Span<byte> plaintext, out int length, out byte contentType)
    {
        length = 0;
        contentType = record.Length > 0 ? record[0] : (byte)0;
        if (record.Length < TlsRecordReader.HeaderLength || BinaryPrimitives.ReadUInt16BigEndian(record[3..]) != record.Length - TlsRecordReader.HeaderLength)
        {
            return TlsDecryptStatus.Malformed;
        }

        var fragment = record[TlsRecordReader.HeaderLength..];
        if (plaintext.Length < fragment.Length)
        {
            return TlsDecryptStatus.BufferTooSmall;
        }

        var status = _suite.IsCbc ? OpenCbc(record, fragment, plaintext, out length)
            : _suite.Tls13 ? OpenTls13(record, fragment, plaintext, out length, out contentType)
            : OpenTls12Aead(record, fragment, plaintext, out length);
        if (status == TlsDecryptStatus.Ok)
        {
            SequenceNumber++;
        }

        return status;
    }

    private TlsDecryptStatus OpenTls13(ReadOnlySpan<byte> record, ReadOnlySpan<byte> fragment, Span<byte> plaintext, out int length, out byte contentType)
    {
        length = 0;
        contentType = 0;
        if (fragment.Length < TagLength + 1)
        {
            return TlsDecryptStatus.Malformed;
        }

        Span<byte> nonce = stackalloc byte[NonceLength];
        SequenceNonce(nonce);
        var cipherLength = fragment.Length - TagLength;
        if (!Open(nonce, fragment[..cipherLength], fragment[cipherLength..], plaintext[..cipherLength], record[..TlsRecordReader.HeaderLength]))
        {
            return TlsDecryptStatus.AuthenticationFailed;
        }

        // TLSInnerPlaintext: content, ContentType type, uint8 zeros[length_of_padding]
        var last = plaintext[..cipherLength].LastIndexOfAnyExcept((byte)0);
        if (last < 0)
        {
            return TlsDecryptStatus.Malformed; // all padding: RFC 8446 §5.4 unexpected_message
        }

        contentType = plaintext[last];
        length = last;
        return TlsDecryptStatus.Ok;
    }

    private TlsDecryptStatus OpenTls12Aead(ReadOnlySpan<byte> record, ReadOnlySpan<byte> fragment, Span<byte> plaintext, out int length)
    {
        length = 0;
        Span<byte> nonce = stackalloc byte[NonceLength];
        if (_suite.Cipher == TlsBulkCipher.ChaCha20Poly1305)
        {
            SequenceNonce(nonce);
        }
        else
        {
            if (fragment.Length < ExplicitNonceLength)
            {
                return TlsDecryptStatus.Malformed;
            }

            _iv.AsSpan(0, 4).CopyTo(nonce);
            fragment[..ExplicitNonceLength].CopyTo(nonce[4..]);
            fragment = fragment[ExplicitNonceLength..];
        }

        if (fragment.Length < TagLength)
        {
            return TlsDecryptStatus.Malformed;
        }

        var cipherLength = fragment.Length - TagLength;
        Span<byte> aad = stackalloc byte[13];
        AdditionalData(aad, record, cipherLength);
        if (!Open(nonce, fragment[..cipherLength], fragment[cipherLength..], plaintext[..cipherLength], aad))
        {
            return TlsDecryptStatus.AuthenticationFailed;
        }

        length = cipherLength;
        return TlsDecryptStatus.Ok;
    }

    private TlsDecryptStatus OpenCbc(ReadOnlySpan<byte> record, ReadOnlySpan<byte> fragment, Span<byte> plaintext, out int length)
    {
        length = 0;
        var macLength = _suite.MacLength;
        Span<byte> mac = stackalloc byte[48];
        mac = mac[..macLength];
        Span<byte> aad = stackalloc byte[13];
        if (_encryptThenMac)
        {
            // IV + ciphertext + MAC; the MAC covers IV + ciphertext (RFC 7366 §3).
            if (fragment.Length < AesBlock + AesBlock + macLength)
            {
                return TlsDecryptStatus.Malformed;
            }

            var sealedPart = fragment[..^macLength];
            AdditionalData(aad, record, sealedPart.Length);
            _hmac!.AppendData(aad);
            _hmac.AppendData(sealedPart);
            _hmac.GetHashAndReset(mac);
            if (!CryptographicOperations.FixedTimeEquals(mac, fragment[^macLength..]))
            {
                return TlsDecryptStatus.AuthenticationFailed;
            }

            fragment = sealedPart;
        }

        // TLS 1.1+: a per-record explicit IV, then whole blocks.
        var cipher = fragment[Math.Min(AesBlock, fragment.Length)..];
        if (fragment.Length < AesBlock + AesBlock || cipher.Length % AesBlock != 0)
        {
            return TlsDecryptStatus.Malformed;
        }

        var n = _aes!.DecryptCbc(cipher, fragment[..AesBlock], plaintext, PaddingMode.None);
        var pad = plaintext[n - 1];
        var content = n - pad - 1 - (_encryptThenMac ? 0 : macLength);
        if (content < 0 || plaintext.Slice(n - pad - 1, pad).IndexOfAnyExcept(pad) >= 0)
        {
            return TlsDecryptStatus.AuthenticationFailed; // bad padding: wrong keys (a passive observer has no oracle to protect)
        }

        if (!_encryptThenMac)
        {
            AdditionalData(aad, record, content);
            _hmac!.AppendData(aad);
            _hmac.AppendData(plaintext[..content]);
            _hmac.GetHashAndReset(mac);
            if (!CryptographicOperations.FixedTimeEquals(mac, plaintext.Slice(content, macLength)))
            {
                return TlsDecryptStatus.AuthenticationFailed;
            }
        }

        length = content;
        return TlsDecryptStatus.Ok;
    }

    private bool Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        if (_fastGcm is not null)
        {
            return _fastGcm.Decrypt(nonce, cipher, tag, plaintext, aad);
        }

        try
        {
            if (_chacha is not null)
            {
                _chacha.Decrypt(nonce, cipher, tag, plaintext, aad);
            }
            else
            {
                _gcm!.Decrypt(nonce, cipher, tag, plaintext, aad);
            }

            return true;
        }
        catch (CryptographicException)
        {
            // AuthenticationTagMismatchException derives from it: the BCL reports a bad tag only by throwing.
            return false;
        }
    }

    /// <summary>The 12-byte IV with the 64-bit sequence number xored into its last 8 bytes (RFC 8446 §5.3, RFC 7905 §2).</summary>
    private void SequenceNonce(Span<byte> nonce)
    {
        _iv.CopyTo(nonce);
        var low = BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]) ^ SequenceNumber;
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], low);
    }

    /// <summary>TLS 1.2 additional data / MAC header: seq_num(8) + type(1) + version(2) + length(2).</summary>
    private void AdditionalData(Span<byte> aad, ReadOnlySpan<byte> record, int length)
    {
        BinaryPrimitives.WriteUInt64BigEndian(aad, SequenceNumber);
        record[..3].CopyTo(aad[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(aad[11..], (ushort)length);
    }

    public void Dispose()
    {
        _gcm?.Dispose();
        _fastGcm?.Dispose();
        _chacha?.Dispose();
        _aes?.Dispose();
        _hmac?.Dispose();
    }
}
