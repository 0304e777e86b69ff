namespace Sensor.Protocols.Tls.Decryption;

/// <summary>Turns a session's key log secrets plus what the hellos said (randoms, suite, version) into per-direction keys.</summary>
public static class TlsSessionKeys
{
    public const ushort Tls12 = 0x0303;
    public const ushort Tls13 = 0x0304;

    /// <summary>RFC 8446 §5.3: the per-record nonce is iv_length = max(8, N_MIN) = 12 bytes for every TLS 1.3 AEAD.</summary>
    private const int Tls13IvLength = 12;

    public static TlsKeyStatus Derive(
        ushort cipherSuite,
        ushort version,
        TlsSessionSecrets secrets,
        ReadOnlySpan<byte> clientRandom,
        ReadOnlySpan<byte> serverRandom,
        out TlsDirectionKeys? client,
        out TlsDirectionKeys? server)
    {
        client = server = null;
        if (version is not (Tls12 or Tls13))
        {
            return TlsKeyStatus.UnsupportedVersion;
        }

        if (!TlsCipherSuite.TryGet(cipherSuite, out var suite) || suite.Tls13 != (version == Tls13))
        {
            return TlsKeyStatus.UnsupportedCipherSuite;
        }

        if (!suite.Tls13)
        {
            var master = secrets[TlsSecretLabel.MasterSecret];
            if (master is null)
            {
                return TlsKeyStatus.NoSecretsForVersion;
            }

            if (clientRandom.Length != 32 || serverRandom.Length != 32)
            {
                return TlsKeyStatus.MissingSecrets;
            }

            Tls12KeyExpansion.KeyBlock(suite, master, clientRandom, serverRandom, out client, out server);
            return TlsKeyStatus.Ok;
        }

        var hashLength = suite.Hash == System.Security.Cryptography.HashAlgorithmName.SHA384 ? 48 : 32;
        var (ch, sh, ct, st) = (secrets[TlsSecretLabel.ClientHandshakeTraffic], secrets[TlsSecretLabel.ServerHandshakeTraffic],
            secrets[TlsSecretLabel.ClientTraffic0], secrets[TlsSecretLabel.ServerTraffic0]);
        if (ch is null && sh is null && ct is null && st is null)
        {
            return TlsKeyStatus.NoSecretsForVersion;
        }

        if (ch?.Length != hashLength || sh?.Length != hashLength || ct?.Length != hashLength || st?.Length != hashLength)
        {
            return TlsKeyStatus.MissingSecrets;
        }

        // All four keys and IVs in one go (side by side in vector lanes); both directions need all four.
        var stride = suite.KeyLength + Tls13IvLength;
        Span<byte> derived = stackalloc byte[4 * (32 + Tls13IvLength)];
        Tls13KeySchedule.TrafficKeysOfFour(suite.Hash, ch, sh, ct, st, suite.KeyLength, Tls13IvLength, derived);
        client = TlsDirectionKeys.Tls13(suite, ch, ct, derived[..stride], derived.Slice(2 * stride, stride));
        server = TlsDirectionKeys.Tls13(suite, sh, st, derived.Slice(stride, stride), derived.Slice(3 * stride, stride));
        derived.Clear();
        return TlsKeyStatus.Ok;
    }
}
