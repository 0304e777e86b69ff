namespace Sensor.Protocols.Tls.Decryption;

/// <summary>The outcome of decrypting one record. Anything but <see cref="Ok"/> ends decryption of that direction.</summary>
public enum TlsDecryptStatus : byte
{
    Ok,

    /// <summary>The AEAD tag, the HMAC or the CBC padding did not verify: wrong keys, or a corrupted record.</summary>
    AuthenticationFailed,

    /// <summary>The record cannot be a protected record of this suite (too short, not whole blocks, TLS 1.3 all padding).</summary>
    Malformed,

    /// <summary>The caller's plaintext buffer is smaller than the record's ciphertext.</summary>
    BufferTooSmall,
}
