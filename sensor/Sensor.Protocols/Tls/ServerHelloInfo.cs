namespace Sensor.Protocols.Tls;

/// <summary>What <see cref="ServerHelloReader"/> found; ranges point into the ServerHello body.</summary>
public struct ServerHelloInfo
{
    public ushort LegacyVersion;
    public ushort CipherSuite;

    /// <summary>supported_versions (server form): the negotiated version, 0 when absent (TLS 1.2 and below).</summary>
    public ushort SelectedVersion;

    /// <summary>The extensions block: (type(2) length(2) data)*.</summary>
    public Range Extensions;

    /// <summary>ALPN chosen by the server (TLS 1.2 only: TLS 1.3 sends it encrypted).</summary>
    public Range Alpn;
    public bool HasAlpn;

    /// <summary>A HelloRetryRequest (RFC 8446 §4.1.3): a ServerHello with a fixed random.</summary>
    public bool IsHelloRetryRequest;

    public readonly ushort NegotiatedVersion => SelectedVersion != 0 ? SelectedVersion : LegacyVersion;
}
