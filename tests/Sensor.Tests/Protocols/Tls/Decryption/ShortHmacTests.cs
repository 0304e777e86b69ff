using System.Security.Cryptography;
using Sensor.Core.Hashing;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Tests.Protocols.Tls.Decryption;

/// <summary>
/// The managed HMAC-SHA256/384 and the HKDF-Expand built on it against the BCL's (OpenSSL's), across the one/two-block
/// padding edges of both hashes, keys longer than a block, messages split anywhere between the two parts.
/// </summary>
public sealed class ShortHmacTests
{
    public static TheoryData<string> Hashes => new() { "SHA256", "SHA384" };

    [Theory]
    [MemberData(nameof(Hashes))]
    public void Compute_MatchesBcl_ForEveryMessageLengthAcrossTheBlockEdges(string name)
    {
        var hash = new HashAlgorithmName(name);
        var random = new Random(8446);
        for (var length = 0; length <= 300; length++)
        {
            var key = Bytes(random, random.Next(0, 200)); // longer than a block (64 or 128) is hashed first
            var message = Bytes(random, length);
            var split = random.Next(0, length + 1);
            var mac = new byte[ShortHmac.HashLength(hash)];

            ShortHmac.Compute(hash, key, message.AsSpan(0, split), message.AsSpan(split), mac);

            Assert.True(Bcl(hash, key, message).AsSpan().SequenceEqual(mac), $"{name} key {key.Length} message {length} split {split}");
        }
    }

    [Theory]
    [MemberData(nameof(Hashes))]
    public void AKeyedInstance_GivesTheSameMacForEveryMessage_AsTheBcl(string name)
    {
        var hash = new HashAlgorithmName(name);
        var random = new Random(2104);
        var key = Bytes(random, ShortHmac.HashLength(hash));
        var keyed = ShortHmac.Create(hash, key);
        for (var length = 0; length <= 600; length += 7)
        {
            var message = Bytes(random, length);
            var mac = new byte[ShortHmac.HashLength(hash)];

            keyed.Compute(message, default, mac);

            Assert.Equal(Bcl(hash, key, message), mac);
        }
    }

    public static TheoryData<string, int> HashesAndKeyLengths
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var name in new[] { "SHA256", "SHA384" })
            {
                for (var keyLength = 0; keyLength <= 200; keyLength++)
                {
                    data.Add(name, keyLength);
                }
            }

            return data;
        }
    }

    /// <summary>
    /// Every key length 0..200 (below, at and above both block lengths, 64 and 128) against every message length 0..300
    /// (across the one-buffer/long-path switch), through the one-shot and the keyed entry points, message split at random.
    /// </summary>
    [Theory]
    [MemberData(nameof(HashesAndKeyLengths))]
    public void EveryKeyLength_WithEveryMessageLength_MatchesBcl(string name, int keyLength)
    {
        var hash = new HashAlgorithmName(name);
        var random = new Random((keyLength * 7919) + name.Length);
        var key = Bytes(random, keyLength);
        var keyed = ShortHmac.Create(hash, key);
        var mac = new byte[ShortHmac.HashLength(hash)];
        var again = new byte[ShortHmac.HashLength(hash)];
        for (var length = 0; length <= 300; length++)
        {
            var message = Bytes(random, length);
            var split = random.Next(0, length + 1);
            var expected = Bcl(hash, key, message);

            ShortHmac.Compute(hash, key, message.AsSpan(0, split), message.AsSpan(split), mac);
            keyed.Compute(message.AsSpan(0, split), message.AsSpan(split), again);

            Assert.True(expected.AsSpan().SequenceEqual(mac), $"{name} key {keyLength} message {length} split {split}");
            Assert.True(expected.AsSpan().SequenceEqual(again), $"{name} keyed, key {keyLength} message {length} split {split}");
        }

        keyed.Clear();
    }

    /// <summary>The MAC written over its own input (the key schedule's T(n) = HMAC(T(n-1) || ...)) is still right.</summary>
    [Theory]
    [MemberData(nameof(Hashes))]
    public void MacOverlappingTheFirstPart_MatchesBcl(string name)
    {
        var hash = new HashAlgorithmName(name);
        var random = new Random(1913);
        var length = ShortHmac.HashLength(hash);
        for (var i = 0; i < 50; i++)
        {
            var key = Bytes(random, random.Next(0, 150));
            var buffer = Bytes(random, length);
            var second = Bytes(random, random.Next(0, 40));
            var expected = Bcl(hash, key, [.. buffer, .. second]);

            ShortHmac.Compute(hash, key, buffer, second, buffer);

            Assert.Equal(expected, buffer);
        }
    }

    /// <summary>
    /// Two MACs under one key at once: every pair of message lengths around the one-block edge (111/112 for SHA-384,
    /// where the two-lane path gives way to two single MACs), random keys of every kind of length, against the BCL.
    /// </summary>
    [Theory]
    [MemberData(nameof(Hashes))]
    public void ComputePair_MatchesBcl_ForBothMessages(string name)
    {
        var hash = new HashAlgorithmName(name);
        var random = new Random(6234);
        for (var i = 0; i < 400; i++)
        {
            var key = Bytes(random, random.Next(0, 200));
            var keyed = ShortHmac.Create(hash, key);
            var message = Bytes(random, random.Next(0, 130));
            var other = Bytes(random, i < 200 ? random.Next(0, 20) : random.Next(90, 130));
            var (mac, otherMac) = (new byte[ShortHmac.HashLength(hash)], new byte[ShortHmac.HashLength(hash)]);

            keyed.ComputePair(message, mac, other, otherMac);

            Assert.True(Bcl(hash, key, message).AsSpan().SequenceEqual(mac), $"{name} key {key.Length} message {message.Length}");
            Assert.True(Bcl(hash, key, other).AsSpan().SequenceEqual(otherMac), $"{name} key {key.Length} other {other.Length}");
            keyed.Clear();
        }
    }

    /// <summary>A traffic secret's key and IV (derived side by side) against the BCL's HKDF-Expand over the HkdfLabel.</summary>
    [Theory]
    [MemberData(nameof(Hashes))]
    public void TrafficKeys_MatchBclHkdf_ForRandomSecretsAndEveryKeyLength(string name)
    {
        var hash = new HashAlgorithmName(name);
        var random = new Random(8446 + name.Length);
        foreach (var keyLength in new[] { 16, 24, 32, 48, 49, 64, 100 })
        {
            for (var i = 0; i < 50; i++)
            {
                var secret = Bytes(random, ShortHmac.HashLength(hash) + (i % 3));
                var (key, iv) = (new byte[keyLength], new byte[12]);

                Tls13KeySchedule.TrafficKeys(hash, secret, key, iv);

                Assert.Equal(HKDF.Expand(hash, secret, keyLength, [0, (byte)keyLength, 9, .. "tls13 key"u8, 0]), key);
                Assert.Equal(HKDF.Expand(hash, secret, 12, [0, 12, 8, .. "tls13 iv"u8, 0]), iv);
            }
        }
    }

    /// <summary>
    /// Four secrets' keys and IVs at once against the BCL's HKDF-Expand, for both hashes, the AEADs' key lengths and
    /// lengths that take the one-at-a-time path (longer than a hash), secrets of the hash length and longer.
    /// </summary>
    [Theory]
    [MemberData(nameof(Hashes))]
    public void TrafficKeysOfFour_MatchBclHkdf_ForEachSecret(string name)
    {
        var hash = new HashAlgorithmName(name);
        var random = new Random(7 + name.Length);
        foreach (var (keyLength, ivLength) in new[] { (16, 12), (32, 12), (48, 48), (49, 12), (32, 60) })
        {
            for (var i = 0; i < 30; i++)
            {
                var secrets = Enumerable.Range(0, 4).Select(n => Bytes(random, ShortHmac.HashLength(hash) + (i % 4 == n ? random.Next(0, 100) : 0))).ToArray();
                var stride = keyLength + ivLength;
                var output = new byte[4 * stride];

                Tls13KeySchedule.TrafficKeysOfFour(hash, secrets[0], secrets[1], secrets[2], secrets[3], keyLength, ivLength, output);

                for (var n = 0; n < 4; n++)
                {
                    Assert.Equal(HKDF.Expand(hash, secrets[n], keyLength, [0, (byte)keyLength, 9, .. "tls13 key"u8, 0]), output.AsSpan(n * stride, keyLength).ToArray());
                    Assert.Equal(HKDF.Expand(hash, secrets[n], ivLength, [0, (byte)ivLength, 8, .. "tls13 iv"u8, 0]), output.AsSpan((n * stride) + keyLength, ivLength).ToArray());
                }
            }
        }
    }

    /// <summary>A TLS 1.3 session's keys derived ahead, per direction, equal each secret's own <see cref="Tls13KeySchedule.TrafficKeys"/>.</summary>
    [Theory]
    [InlineData((ushort)0x1301)]
    [InlineData((ushort)0x1302)]
    [InlineData((ushort)0x1303)]
    public void SessionKeys_DerivedAhead_EqualEachSecretsTrafficKeys(ushort cipherSuite)
    {
        Assert.True(TlsCipherSuite.TryGet(cipherSuite, out var suite));
        var random = new Random(cipherSuite);
        var hashLength = ShortHmac.HashLength(suite.Hash);
        var store = new TlsKeyStore();
        var clientRandom = Bytes(random, 32);
        var labels = new[] { TlsSecretLabel.ClientHandshakeTraffic, TlsSecretLabel.ServerHandshakeTraffic, TlsSecretLabel.ClientTraffic0, TlsSecretLabel.ServerTraffic0 };
        foreach (var label in labels)
        {
            store.Add(label, clientRandom, Bytes(random, hashLength));
        }

        Assert.True(store.TryGet(clientRandom, out var secrets));

        Assert.Equal(TlsKeyStatus.Ok, TlsSessionKeys.Derive(cipherSuite, TlsSessionKeys.Tls13, secrets, new byte[32], new byte[32], out var client, out var server));

        foreach (var (keys, handshake, traffic) in new[] { (client!, labels[0], labels[2]), (server!, labels[1], labels[3]) })
        {
            var expected = new byte[2 * (suite.KeyLength + 12)];
            var stride = suite.KeyLength + 12;
            Tls13KeySchedule.TrafficKeys(suite.Hash, secrets[handshake]!, expected.AsSpan(0, suite.KeyLength), expected.AsSpan(suite.KeyLength, 12));
            Tls13KeySchedule.TrafficKeys(suite.Hash, secrets[traffic]!, expected.AsSpan(stride, suite.KeyLength), expected.AsSpan(stride + suite.KeyLength, 12));
            Assert.Equal(expected, keys.Tls13KeysAndIvs);
        }
    }

    [Fact]
    public void Compute_Rfc4231TestCase2()
    {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?"
        var mac256 = new byte[32];
        var mac384 = new byte[48];

        ShortHmac.Compute(HashAlgorithmName.SHA256, "Jefe"u8, "what do ya want "u8, "for nothing?"u8, mac256);
        ShortHmac.Compute(HashAlgorithmName.SHA384, "Jefe"u8, "what do ya want for nothing?"u8, default, mac384);

        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", Convert.ToHexStringLower(mac256));
        Assert.Equal("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649", Convert.ToHexStringLower(mac384));
    }

    [Fact]
    public void Compute_RejectsOtherHashes()
    {
        Assert.Throws<ArgumentException>(() => ShortHmac.Compute(HashAlgorithmName.SHA1, [1], default, default, new byte[48]));
    }

    [Theory]
    [MemberData(nameof(Hashes))]
    public void ExpandLabel_MatchesBclHkdf_ForOutputsOfOneToSeveralBlocks(string name)
    {
        var hash = new HashAlgorithmName(name);
        var random = new Random(5869);
        for (var length = 1; length <= 200; length++)
        {
            var secret = Bytes(random, ShortHmac.HashLength(hash) + random.Next(0, 3));
            var context = Bytes(random, random.Next(0, 60));
            byte[] info = [(byte)(length >> 8), (byte)length, 6 + 7, .. "tls13 derived"u8, (byte)context.Length, .. context];
            var actual = new byte[length];

            Tls13KeySchedule.ExpandLabel(hash, secret, "derived"u8, context, actual);

            Assert.Equal(HKDF.Expand(hash, secret, length, info), actual);
        }
    }

    private static byte[] Bcl(HashAlgorithmName hash, byte[] key, byte[] message) =>
        hash == HashAlgorithmName.SHA384 ? HMACSHA384.HashData(key, message) : HMACSHA256.HashData(key, message);

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
