namespace Sensor.Protocols.Tls.Decryption;

/// <summary>The NSS key log labels the decryptor uses (other labels, e.g. EXPORTER_SECRET, are ignored).</summary>
public enum TlsSecretLabel
{
    /// <summary><c>CLIENT_RANDOM</c>: the 48-byte TLS 1.2 (and earlier) master secret.</summary>
    MasterSecret,

    /// <summary><c>CLIENT_HANDSHAKE_TRAFFIC_SECRET</c> (TLS 1.3).</summary>
    ClientHandshakeTraffic,

    /// <summary><c>SERVER_HANDSHAKE_TRAFFIC_SECRET</c> (TLS 1.3).</summary>
    ServerHandshakeTraffic,

    /// <summary><c>CLIENT_TRAFFIC_SECRET_0</c> (TLS 1.3).</summary>
    ClientTraffic0,

    /// <summary><c>SERVER_TRAFFIC_SECRET_0</c> (TLS 1.3).</summary>
    ServerTraffic0,
}
