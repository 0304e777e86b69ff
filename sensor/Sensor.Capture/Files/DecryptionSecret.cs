namespace Sensor.Capture.Files;

/// <summary>A pcapng Decryption Secrets Block (type 0x0000000A), kept for TLS decryption.</summary>
public sealed record DecryptionSecret(uint SecretsType, byte[] Data)
{
    /// <summary>"TLSK": an NSS key log (SSLKEYLOGFILE lines).</summary>
    public const uint TlsKeyLog = 0x544C534B;
}
