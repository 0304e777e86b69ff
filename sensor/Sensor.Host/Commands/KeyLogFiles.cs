using Sensor.Capture.Files;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Host.Commands;

/// <summary>
/// Loads <c>--keylog</c> files (NSS SSLKEYLOGFILE format: <c>LABEL &lt;client_random hex&gt; &lt;secret hex&gt;</c>) and
/// pcapng Decryption Secrets Blocks into one key store, and describes what they held for the summary. Nothing of the
/// secrets is ever printed.
/// </summary>
internal static class KeyLogFiles
{
    /// <summary>
    /// A key log larger than this is not one: a busy browser session logs a few hundred bytes per connection, so 256 MiB
    /// is about a million connections; anything bigger is the wrong file and is refused rather than read into memory.
    /// </summary>
    private const long MaxKeyLogBytes = 256L * 1024 * 1024;

    /// <summary>Adds one file to <paramref name="store"/>; returns the summary line, or null with <paramref name="error"/> set.</summary>
    public static string? Load(string path, TlsKeyStore store, out string? error)
    {
        error = null;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxKeyLogBytes)
            {
                error = $"{path}: key log larger than {MaxKeyLogBytes / (1024 * 1024)} MiB, refused";
                return null;
            }

            var result = store.AddKeyLog(File.ReadAllBytes(path));
            return $"TLS key log {Path.GetFileName(path)}: {result.Secrets} secrets for {result.Sessions} sessions " +
                   $"({result.Used} used for decryption), {result.Malformed} malformed lines";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: cannot read key log ({e.GetType().Name})";
            return null;
        }
    }

    /// <summary>Adds the TLS key log secrets blocks of a pcapng; other secret types (WireGuard, ZigBee...) are not ours.</summary>
    public static KeyLogLoadResult Add(DecryptionSecret secret, TlsKeyStore store) =>
        secret.SecretsType == DecryptionSecret.TlsKeyLog ? store.AddKeyLog(secret.Data) : default;
}
