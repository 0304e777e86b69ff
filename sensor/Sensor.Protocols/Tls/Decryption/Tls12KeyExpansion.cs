using System.Security.Cryptography;
using Sensor.Core.Hashing;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>The TLS 1.2 PRF (RFC 5246 §5) and the key block (§6.3) a passive decryptor derives from the logged master secret.</summary>
public static class Tls12KeyExpansion
{
    /// <summary>Longest label + seed we use: "key expansion" + two 32-byte randoms.</summary>
    private const int MaxLabelAndSeed = 128;

    /// <summary>PRF(secret, label, seed) = P_hash(secret, label + seed), filling <paramref name="output"/>.</summary>
    public static void Prf(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> seed, Span<byte> output)
    {
        if (label.Length + seed.Length > MaxLabelAndSeed)
        {
            throw new ArgumentException("label and seed too long");
        }

        var hashLength = hash == HashAlgorithmName.SHA384 ? 48 : 32;
        Span<byte> labelSeed = stackalloc byte[MaxLabelAndSeed];
        label.CopyTo(labelSeed);
        seed.CopyTo(labelSeed[label.Length..]);
        labelSeed = labelSeed[..(label.Length + seed.Length)];

        // A(0) = seed; A(i) = HMAC(secret, A(i-1)); P_hash = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
        // HMAC on ShortHmac: OpenSSL's per-call set-up was most of the cost for these few short blocks.
        Span<byte> a = stackalloc byte[hashLength];
        Span<byte> block = stackalloc byte[hashLength];
        var hmac = ShortHmac.Create(hash, secret);
        hmac.Compute(labelSeed, default, a);
        for (var done = 0; done < output.Length; done += hashLength)
        {
            hmac.Compute(a, labelSeed, block);
            block[..Math.Min(hashLength, output.Length - done)].CopyTo(output[done..]);
            hmac.Compute(a, default, a);
        }

        hmac.Clear();
        block.Clear();
    }

    /// <summary>
    /// key_block = PRF(master_secret, "key expansion", server_random + client_random), split as client MAC key, server MAC
    /// key, client key, server key, client IV, server IV.
    /// </summary>
    public static void KeyBlock(in TlsCipherSuite suite, ReadOnlySpan<byte> masterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, out TlsDirectionKeys client, out TlsDirectionKeys server)
    {
        var (mac, key, iv) = (suite.MacLength, suite.KeyLength, suite.FixedIvLength);
        Span<byte> seed = stackalloc byte[64];
        serverRandom.CopyTo(seed);
        clientRandom.CopyTo(seed[32..]);
        Span<byte> block = stackalloc byte[2 * (mac + key + iv)];
        Prf(suite.Hash, masterSecret, "key expansion"u8, seed, block);
        client = TlsDirectionKeys.Tls12(suite, block.Slice(2 * mac, key), block.Slice((2 * mac) + (2 * key), iv), block[..mac]);
        server = TlsDirectionKeys.Tls12(suite, block.Slice((2 * mac) + key, key), block.Slice((2 * mac) + (2 * key) + iv, iv), block.Slice(mac, mac));
        block.Clear();
    }
}
