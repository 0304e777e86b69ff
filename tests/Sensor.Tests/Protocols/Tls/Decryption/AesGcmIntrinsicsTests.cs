using System.Security.Cryptography;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Tests.Protocols.Tls.Decryption;

/// <summary>
/// The AES-NI/PCLMULQDQ AES-GCM against the BCL's (OpenSSL's): sealed by the BCL with random keys, nonces and additional
/// data, every length across the one-block and four-block edges, opened by ours; any flipped bit fails; NIST vectors.
/// </summary>
public sealed class AesGcmIntrinsicsTests
{
    public static TheoryData<int> KeySizes => new() { 16, 32 };

    [Theory]
    [MemberData(nameof(KeySizes))]
    public void OpensWhatTheBclSealed_ForEveryLengthAndAdditionalDataLength(int keySize)
    {
        Assert.True(AesGcmIntrinsics.IsSupported, "the project's machines (x86-64) have AES-NI and PCLMULQDQ");
        var random = new Random(5288 + keySize);
        var key = Bytes(random, keySize);
        using var ours = new AesGcmIntrinsics(key);
        using var bcl = new AesGcm(key, 16);
        foreach (var length in Enumerable.Range(0, 300).Concat([1000, 4095, 4096, 4097, 16384 + 1]))
        {
            var nonce = Bytes(random, 12);
            var aad = Bytes(random, random.Next(0, 40));
            var plaintext = Bytes(random, length);
            var ciphertext = new byte[length];
            var tag = new byte[16];
            bcl.Encrypt(nonce, plaintext, ciphertext, tag, aad);
            var opened = new byte[length];

            Assert.True(ours.Decrypt(nonce, ciphertext, tag, opened, aad), $"length {length} aad {aad.Length}");
            Assert.True(plaintext.AsSpan().SequenceEqual(opened), $"length {length} aad {aad.Length}");
        }
    }

    /// <summary>
    /// Many random keys, so that hash keys H with and without the top bit (the two cases of pre-multiplying H by x) are
    /// both exercised, each with random nonces, additional data of 0..several blocks and lengths of 0..several blocks,
    /// mostly not multiples of 16; half of the records opened in place; the instance re-keyed between keys.
    /// </summary>
    [Theory]
    [MemberData(nameof(KeySizes))]
    public void OpensWhatTheBclSealed_UnderManyRandomKeys_AdditionalDataOfSeveralBlocks(int keySize)
    {
        Assert.True(AesGcmIntrinsics.IsSupported, "the project's machines (x86-64) have AES-NI and PCLMULQDQ");
        var random = new Random(9211 + keySize);
        using var ours = new AesGcmIntrinsics(Bytes(random, keySize));
        var topBitSet = 0;
        var topBitClear = 0;
        for (var k = 0; k < 64; k++)
        {
            var key = Bytes(random, keySize);
            if ((HashKeyFirstByte(key) & 0x80) != 0)
            {
                topBitSet++;
            }
            else
            {
                topBitClear++;
            }

            ours.SetKey(key);
            using var bcl = new AesGcm(key, 16);
            for (var i = 0; i < 40; i++)
            {
                var length = i < 20 ? random.Next(0, 100) : random.Next(100, 600);
                var nonce = Bytes(random, 12);
                var aad = Bytes(random, random.Next(0, 100));
                var plaintext = Bytes(random, length);
                var ciphertext = new byte[length];
                var tag = new byte[16];
                bcl.Encrypt(nonce, plaintext, ciphertext, tag, aad);
                var inPlace = (i & 1) == 0;
                var opened = inPlace ? ciphertext : new byte[length];

                Assert.True(ours.Decrypt(nonce, ciphertext, tag, opened, aad), $"key {k} length {length} aad {aad.Length}");
                Assert.True(plaintext.AsSpan().SequenceEqual(opened), $"key {k} length {length} aad {aad.Length} in place {inPlace}");
            }
        }

        Assert.True(topBitSet > 0 && topBitClear > 0, $"both hash-key cases: {topBitSet} with the top bit, {topBitClear} without");
    }

    [Theory]
    [MemberData(nameof(KeySizes))]
    public void AFlippedBit_InCiphertextTagOrAdditionalData_FailsAndClearsThePlaintext(int keySize)
    {
        Assert.True(AesGcmIntrinsics.IsSupported, "the project's machines (x86-64) have AES-NI and PCLMULQDQ");
        var random = new Random(38 + keySize);
        var key = Bytes(random, keySize);
        using var ours = new AesGcmIntrinsics(key);
        using var bcl = new AesGcm(key, 16);
        var nonce = Bytes(random, 12);
        var aad = Bytes(random, 13);
        var plaintext = Bytes(random, 77);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        bcl.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        var sealedParts = ciphertext.Concat(tag).Concat(aad).Concat(nonce).ToArray();
        for (var bit = 0; bit < sealedParts.Length * 8; bit++)
        {
            var tampered = (byte[])sealedParts.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            var c = tampered.AsSpan(0, 77);
            var t = tampered.AsSpan(77, 16);
            var a = tampered.AsSpan(93, 13);
            var n = tampered.AsSpan(106, 12);
            var opened = new byte[77];

            Assert.False(ours.Decrypt(n, c, t, opened, a), $"bit {bit}");
            Assert.All(opened, b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void Rekeying_UsesTheNewKey()
    {
        Assert.True(AesGcmIntrinsics.IsSupported, "the project's machines (x86-64) have AES-NI and PCLMULQDQ");
        var random = new Random(7);
        using var ours = new AesGcmIntrinsics(Bytes(random, 16));
        var key = Bytes(random, 32);
        using var bcl = new AesGcm(key, 16);
        var nonce = Bytes(random, 12);
        var plaintext = Bytes(random, 100);
        var ciphertext = new byte[100];
        var tag = new byte[16];
        bcl.Encrypt(nonce, plaintext, ciphertext, tag);

        ours.SetKey(key);

        var opened = new byte[100];
        Assert.True(ours.Decrypt(nonce, ciphertext, tag, opened, default));
        Assert.Equal(plaintext, opened);

        // Disposed, the key schedule is gone: the same record no longer opens.
        ours.Dispose();
        Assert.False(ours.Decrypt(nonce, ciphertext, tag, opened, default));
    }

    [Fact]
    public void NistGcmTestCases4And16()
    {
        Assert.True(AesGcmIntrinsics.IsSupported, "the project's machines (x86-64) have AES-NI and PCLMULQDQ");

        // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 4 (AES-128) and 16 (AES-256): 60-byte plaintext, 20-byte AAD.
        const string plain = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
        const string aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
        const string iv = "cafebabefacedbaddecaf888";
        Check("feffe9928665731c6d6a8f9467308308", "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", "5bc94fbc3221a5db94fae95ae7121a47");
        Check("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", "76fc6ece0f4e1768cddf8853bb2d551b");

        static void Check(string key, string cipher, string tag)
        {
            var opened = new byte[cipher.Length / 2];
            using var gcm = new AesGcmIntrinsics(Convert.FromHexString(key));
            Assert.True(gcm.Decrypt(Convert.FromHexString(iv), Convert.FromHexString(cipher), Convert.FromHexString(tag), opened, Convert.FromHexString(aad)));
            Assert.Equal(plain, Convert.ToHexStringLower(opened));
        }
    }

    /// <summary>
    /// The first byte of the hash key H = AES_K(0^128): its top bit becomes bit 127 of the byte-reflected H, the bit that
    /// the shift making H·x carries out, which decides whether H·x needs reducing.
    /// </summary>
    private static byte HashKeyFirstByte(byte[] key)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptEcb(new byte[16], PaddingMode.None)[0];
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
