using System.Buffers.Binary;
using System.Security.Cryptography;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Tests.TestSupport;

/// <summary>
/// The sending side of the TLS record layer, written for the tests straight from the RFCs (RFC 8446 §5.2, RFC 5288,
/// RFC 7905, RFC 5246 §6.2.3.2, RFC 7366) with the BCL ciphers: it seals records the decryptor under test must open.
/// </summary>
internal sealed class TlsRecordSealer
{
    private readonly TlsCipherSuite _suite;
    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly byte[] _macKey;
    private readonly bool _encryptThenMac;
    private ulong _sequence;

    public TlsRecordSealer(TlsCipherSuite suite, byte[] key, byte[] iv, byte[]? macKey = null, bool encryptThenMac = false)
    {
        _suite = suite;
        _key = key;
        _iv = iv;
        _macKey = macKey ?? [];
        _encryptThenMac = encryptThenMac;
    }

    /// <summary>TLS 1.3 KeyUpdate on the sending side: new key and IV, sequence back to 0.</summary>
    public void Rekey(byte[] key, byte[] iv)
    {
        Array.Copy(key, _key, key.Length);
        Array.Copy(iv, _iv, iv.Length);
        _sequence = 0;
    }

    /// <summary>One whole record (header + protected fragment) carrying <paramref name="content"/> of <paramref name="type"/>.</summary>
    public byte[] Seal(byte type, byte[] content, int tls13Padding = 0)
    {
        var record = _suite.Tls13 ? SealTls13(type, content, tls13Padding) : _suite.IsCbc ? SealCbc(type, content) : SealTls12Aead(type, content);
        _sequence++;
        return record;
    }

    private byte[] SealTls13(byte type, byte[] content, int padding)
    {
        byte[] inner = [.. content, type, .. new byte[padding]];
        var record = Header(23, inner.Length + 16);
        var output = new byte[inner.Length];
        var tag = new byte[16];
        Aead(Nonce(), inner, output, tag, record);
        return [.. record, .. output, .. tag];
    }

    private byte[] SealTls12Aead(byte type, byte[] content)
    {
        var chacha = _suite.Cipher == TlsBulkCipher.ChaCha20Poly1305;
        var explicitNonce = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(explicitNonce, _sequence ^ 0x5A5A5A5A5A5A5A5AUL); // any unique value works
        byte[] nonce = chacha ? Nonce() : [.. _iv, .. explicitNonce];
        var output = new byte[content.Length];
        var tag = new byte[16];
        Aead(nonce, content, output, tag, MacHeader(type, content.Length));
        byte[] fragment = chacha ? [.. output, .. tag] : [.. explicitNonce, .. output, .. tag];
        return [.. Header(type, fragment.Length), .. fragment];
    }

    private byte[] SealCbc(byte type, byte[] content)
    {
        using var aes = Aes.Create();
        aes.Key = _key;
        var iv = RandomNumberGenerator.GetBytes(16);
        if (_encryptThenMac)
        {
            var cipher = aes.EncryptCbc(Padded(content), iv, PaddingMode.None);
            byte[] sealedPart = [.. iv, .. cipher];
            var mac = Hmac([.. MacHeader(type, sealedPart.Length), .. sealedPart]);
            return [.. Header(type, sealedPart.Length + mac.Length), .. sealedPart, .. mac];
        }

        var macThenEncrypt = Hmac([.. MacHeader(type, content.Length), .. content]);
        var encrypted = aes.EncryptCbc(Padded([.. content, .. macThenEncrypt]), iv, PaddingMode.None);
        return [.. Header(type, 16 + encrypted.Length), .. iv, .. encrypted];
    }

    /// <summary>TLS CBC padding: 1..16 bytes, each holding padding_length.</summary>
    private static byte[] Padded(byte[] data)
    {
        var pad = 15 - (data.Length % 16);
        return [.. data, .. Enumerable.Repeat((byte)pad, pad + 1)];
    }

#pragma warning disable CA5350 // the _SHA suites' record MAC is HMAC-SHA1 by definition (RFC 5246 App. C); we reproduce it, not choose it
    private byte[] Hmac(byte[] data) => _suite.MacLength switch
    {
        20 => HMACSHA1.HashData(_macKey, data),
        48 => HMACSHA384.HashData(_macKey, data),
        _ => HMACSHA256.HashData(_macKey, data),
    };
#pragma warning restore CA5350

    private void Aead(byte[] nonce, byte[] plain, byte[] cipher, byte[] tag, byte[] aad)
    {
        if (_suite.Cipher == TlsBulkCipher.ChaCha20Poly1305)
        {
            using var chacha = new ChaCha20Poly1305(_key);
            chacha.Encrypt(nonce, plain, cipher, tag, aad);
        }
        else
        {
            using var gcm = new AesGcm(_key, 16);
            gcm.Encrypt(nonce, plain, cipher, tag, aad);
        }
    }

    private byte[] Nonce()
    {
        var nonce = (byte[])_iv.Clone();
        for (var i = 0; i < 8; i++)
        {
            nonce[4 + i] ^= (byte)(_sequence >> (56 - (8 * i)));
        }

        return nonce;
    }

    private byte[] MacHeader(byte type, int length)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteUInt64BigEndian(header, _sequence);
        header[8] = type;
        header[9] = 3;
        header[10] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(11), (ushort)length);
        return header;
    }

    public static byte[] Header(byte type, int length) => [type, 3, 3, (byte)(length >> 8), (byte)length];
}
