namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// What one key log source held, as counts only, so a summary can describe it without echoing any secret.
/// <see cref="Secrets"/> counts well-formed lines of any label; <see cref="Used"/> those whose label the decryptor uses.
/// </summary>
public readonly record struct KeyLogLoadResult(int Secrets, int Used, int Malformed, int Sessions)
{
    public static KeyLogLoadResult operator +(KeyLogLoadResult a, KeyLogLoadResult b) =>
        new(a.Secrets + b.Secrets, a.Used + b.Used, a.Malformed + b.Malformed, a.Sessions + b.Sessions);
}
