namespace Sensor.Protocols.Tls.Decryption;

/// <summary>Receives what a <see cref="TlsDecryptingReader"/> opens.</summary>
public interface ITlsPlaintextHandler
{
    /// <summary>application_data plaintext, in order; the memory is the reader's pooled buffer, valid only during the call.</summary>
    void OnApplicationData(ReadOnlyMemory<byte> plaintext);

    /// <summary>TLS 1.3: the server's EncryptedExtensions body (where the selected ALPN is), when it fits the reader's cap.</summary>
    void OnEncryptedExtensions(ReadOnlySpan<byte> body);
}
