namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// What one direction needs to decrypt: TLS 1.2 the write key, fixed IV and MAC key from the key block; TLS 1.3 the
/// handshake and first application traffic secrets (keys are derived from them as the connection moves on).
/// </summary>
public sealed class TlsDirectionKeys
{
    private TlsDirectionKeys(TlsCipherSuite suite)
    {
        Suite = suite;
    }

    public TlsCipherSuite Suite { get; }

    public byte[] Key { get; private init; } = [];

    public byte[] Iv { get; private init; } = [];

    public byte[] MacKey { get; private init; } = [];

    public byte[] HandshakeSecret { get; private init; } = [];

    public byte[] TrafficSecret { get; private init; } = [];

    public static TlsDirectionKeys Tls12(TlsCipherSuite suite, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> macKey) =>
        new(suite) { Key = key.ToArray(), Iv = iv.ToArray(), MacKey = macKey.ToArray() };

    /// <summary>
    /// TLS 1.3, when derived ahead with the session's other secrets: the handshake traffic key and IV, then the first
    /// application traffic key and IV (<see cref="Tls13KeySchedule.TrafficKeysOfFour"/>); empty when not.
    /// </summary>
    public byte[] Tls13KeysAndIvs { get; private init; } = [];

    public static TlsDirectionKeys Tls13(TlsCipherSuite suite, ReadOnlySpan<byte> handshakeSecret, ReadOnlySpan<byte> trafficSecret) =>
        new(suite) { HandshakeSecret = handshakeSecret.ToArray(), TrafficSecret = trafficSecret.ToArray() };

    /// <summary>As <see cref="Tls13(TlsCipherSuite, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>, with the keys and IVs derived ahead.</summary>
    public static TlsDirectionKeys Tls13(
        TlsCipherSuite suite, ReadOnlySpan<byte> handshakeSecret, ReadOnlySpan<byte> trafficSecret, ReadOnlySpan<byte> handshakeKeyAndIv, ReadOnlySpan<byte> trafficKeyAndIv) =>
        new(suite)
        {
            HandshakeSecret = handshakeSecret.ToArray(),
            TrafficSecret = trafficSecret.ToArray(),
            Tls13KeysAndIvs = [.. handshakeKeyAndIv, .. trafficKeyAndIv],
        };
}
