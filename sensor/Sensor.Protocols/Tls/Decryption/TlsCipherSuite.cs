using System.Security.Cryptography;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>The record protection of a cipher suite.</summary>
public enum TlsBulkCipher : byte
{
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,

    /// <summary>AES-CBC with HMAC (TLS 1.2 MAC-then-encrypt, or encrypt-then-MAC per RFC 7366).</summary>
    Aes128Cbc,
    Aes256Cbc,
}

/// <summary>What decryption needs to know about a cipher suite (IANA TLS Cipher Suites registry; RFC 5288, 5289, 7905, 8446).</summary>
public readonly record struct TlsCipherSuite(ushort Id, TlsBulkCipher Cipher, HashAlgorithmName Hash, int MacLength, bool Tls13)
{
    public int KeyLength => Cipher is TlsBulkCipher.Aes128Gcm or TlsBulkCipher.Aes128Cbc ? 16 : 32;

    /// <summary>RFC 5246 §6.3 fixed_iv_length: 4 for AES-GCM in TLS 1.2 (RFC 5288), 12 for ChaCha20 (RFC 7905) and TLS 1.3, 0 for CBC.</summary>
    public int FixedIvLength => Tls13 || Cipher == TlsBulkCipher.ChaCha20Poly1305 ? 12 : IsCbc ? 0 : 4;

    public bool IsCbc => Cipher is TlsBulkCipher.Aes128Cbc or TlsBulkCipher.Aes256Cbc;

    /// <summary>The HMAC of a CBC suite (SHA-1 for the <c>_SHA</c> suites).</summary>
    public HashAlgorithmName MacHash => MacLength switch { 20 => HashAlgorithmName.SHA1, 48 => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA256 };

    /// <summary>The suites we can decrypt; false for everything else (RSA key exchange is fine: the key log has the master secret).</summary>
    public static bool TryGet(ushort id, out TlsCipherSuite suite)
    {
        var sha256 = HashAlgorithmName.SHA256;
        var sha384 = HashAlgorithmName.SHA384;
        suite = id switch
        {
            // TLS 1.3 (RFC 8446 §B.4)
            0x1301 => new(id, TlsBulkCipher.Aes128Gcm, sha256, 0, true),
            0x1302 => new(id, TlsBulkCipher.Aes256Gcm, sha384, 0, true),
            0x1303 => new(id, TlsBulkCipher.ChaCha20Poly1305, sha256, 0, true),

            // TLS 1.2 AES-GCM: RSA, DHE_RSA, ECDHE_ECDSA, ECDHE_RSA (RFC 5288, RFC 5289)
            0x009C or 0x009E or 0xC02B or 0xC02F => new(id, TlsBulkCipher.Aes128Gcm, sha256, 0, false),
            0x009D or 0x009F or 0xC02C or 0xC030 => new(id, TlsBulkCipher.Aes256Gcm, sha384, 0, false),

            // TLS 1.2 ChaCha20-Poly1305: ECDHE_RSA, ECDHE_ECDSA, DHE_RSA (RFC 7905)
            0xCCA8 or 0xCCA9 or 0xCCAA => new(id, TlsBulkCipher.ChaCha20Poly1305, sha256, 0, false),

            // TLS 1.2 AES-CBC with HMAC-SHA1 (PRF SHA-256): RSA, ECDHE_ECDSA, ECDHE_RSA
            0x002F or 0xC009 or 0xC013 => new(id, TlsBulkCipher.Aes128Cbc, sha256, 20, false),
            0x0035 or 0xC00A or 0xC014 => new(id, TlsBulkCipher.Aes256Cbc, sha256, 20, false),

            // TLS 1.2 AES-CBC with HMAC-SHA256/384 (RFC 5246, RFC 5289)
            0x003C or 0xC023 or 0xC027 => new(id, TlsBulkCipher.Aes128Cbc, sha256, 32, false),
            0x003D => new(id, TlsBulkCipher.Aes256Cbc, sha256, 32, false),
            0xC024 or 0xC028 => new(id, TlsBulkCipher.Aes256Cbc, sha384, 48, false),
            _ => default,
        };
        // The BCL uses the platform's crypto library; a platform without an algorithm cannot decrypt that suite.
        var available = suite.Cipher == TlsBulkCipher.ChaCha20Poly1305 ? ChaCha20Poly1305.IsSupported : suite.IsCbc || AesGcm.IsSupported;
        return suite.Id != 0 && available;
    }
}
