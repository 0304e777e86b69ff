using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// Key log secrets by client random, merged from any number of sources (several <c>--keylog</c> files, pcapng Decryption
/// Secrets Blocks read while the capture is read). Sessions look their keys up when the ServerHello is seen, so secrets
/// added before a connection's ServerHello are used. Lookups allocate nothing; adds may come from another thread.
/// </summary>
public sealed class TlsKeyStore
{
    private readonly ConcurrentDictionary<ClientRandom, TlsSessionSecrets> _sessions = new();

    public bool IsEmpty => _sessions.IsEmpty;

    /// <summary>Client randoms with at least one secret.</summary>
    public int Sessions => _sessions.Count;

    public void Add(TlsSecretLabel label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret)
    {
        if (clientRandom.Length != ClientRandom.Length)
        {
            throw new ArgumentException("a client random is 32 bytes", nameof(clientRandom));
        }

        _sessions.GetOrAdd(ClientRandom.From(clientRandom), static _ => new TlsSessionSecrets()).Set(label, secret.ToArray());
    }

    public bool TryGet(ReadOnlySpan<byte> clientRandom, [NotNullWhen(true)] out TlsSessionSecrets? secrets)
    {
        secrets = null;
        return clientRandom.Length == ClientRandom.Length && _sessions.TryGetValue(ClientRandom.From(clientRandom), out secrets);
    }

    /// <summary>Adds the secrets of NSS key log text (a file, or a pcapng secrets block of type TLS key log).</summary>
    public KeyLogLoadResult AddKeyLog(ReadOnlySpan<byte> text) => KeyLogParser.Parse(text, this);
}
