namespace Sensor.Protocols.Tls.Decryption;

/// <summary>The key log secrets of one TLS session (one client random). A later line for the same label replaces the earlier.</summary>
public sealed class TlsSessionSecrets
{
    private readonly byte[]?[] _secrets = new byte[]?[Enum.GetValues<TlsSecretLabel>().Length];

    public byte[]? this[TlsSecretLabel label] => Volatile.Read(ref _secrets[(int)label]);

    internal void Set(TlsSecretLabel label, byte[] secret) => Volatile.Write(ref _secrets[(int)label], secret);
}
