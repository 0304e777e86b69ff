namespace Sensor.Protocols.Tls.Decryption;

/// <summary>Whether a session's keys could be set up from its key log secrets.</summary>
public enum TlsKeyStatus : byte
{
    Ok,

    /// <summary>The negotiated cipher suite is not one <see cref="TlsCipherSuite.TryGet"/> knows.</summary>
    UnsupportedCipherSuite,

    /// <summary>A version other than TLS 1.2 and 1.3 (SSL 3.0, TLS 1.0/1.1 use another PRF and MAC layout).</summary>
    UnsupportedVersion,

    /// <summary>The key log lacks a secret the version needs, or one has the wrong length for the suite's hash.</summary>
    MissingSecrets,
}
