using System.Text;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Tls.Decryption;

/// <summary>Every supported record protection, sealed by the test's own RFC-side sealer and opened by the decryptor.</summary>
public sealed class TlsRecordDecryptorTests
{
    public static TheoryData<ushort, bool> Suites => new()
    {
        { 0x1301, false }, { 0x1302, false }, { 0x1303, false },       // TLS 1.3 AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305
        { 0xC02B, false }, { 0xC030, false }, { 0xCCA8, false },       // TLS 1.2 AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305
        { 0xC013, false }, { 0xC028, false }, { 0xC027, true },        // TLS 1.2 CBC: SHA-1, SHA-384 MAC-then-encrypt; SHA-256 encrypt-then-MAC
    };

    [Theory]
    [MemberData(nameof(Suites))]
    public void SealedRecords_OpenInOrder(ushort id, bool encryptThenMac)
    {
        var (sealer, decryptor) = Pair(id, encryptThenMac);
        var plaintext = new byte[TlsConstantsForTests.MaxFragment];
        foreach (var (type, text) in new[] { ((byte)23, "GET / HTTP/1.1\r\n\r\n"), ((byte)23, ""), ((byte)21, "\u0001\u0000"), ((byte)23, new string('x', 16384)) })
        {
            var content = Encoding.ASCII.GetBytes(text);
            var record = sealer.Seal(type, content, tls13Padding: text.Length % 7);

            var status = decryptor.Decrypt(record, plaintext, out var length, out var contentType);

            Assert.Equal(TlsDecryptStatus.Ok, status);
            Assert.Equal(type, contentType);
            Assert.Equal(content, plaintext[..length]);
        }

        Assert.Equal(4UL, decryptor.SequenceNumber);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void AFlippedBit_AnywhereInTheFragment_FailsAuthentication(ushort id, bool encryptThenMac)
    {
        var (sealer, _) = Pair(id, encryptThenMac);
        var record = sealer.Seal(23, Encoding.ASCII.GetBytes("pong pong pong pong pong pong pong"));
        for (var at = 5; at < record.Length; at++)
        {
            var (_, decryptor) = Pair(id, encryptThenMac);
            var tampered = (byte[])record.Clone();
            tampered[at] ^= 0x01;

            var status = decryptor.Decrypt(tampered, new byte[record.Length], out _, out _);

            Assert.True(status == TlsDecryptStatus.AuthenticationFailed, $"byte {at}: {status}");
            Assert.Equal(0UL, decryptor.SequenceNumber);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void WrongKey_OrWrongSequenceNumber_FailsAuthentication(ushort id, bool encryptThenMac)
    {
        var (sealer, _) = Pair(id, encryptThenMac);
        var record = sealer.Seal(23, [1, 2, 3]);
        Assert.True(TlsCipherSuite.TryGet(id, out var suite));
        using var wrongKey = new TlsRecordDecryptor(suite, new byte[suite.KeyLength], Iv(suite), MacKey(suite), encryptThenMac);
        var (_, skipped) = Pair(id, encryptThenMac);
        skipped.SequenceNumber = 1;

        Assert.Equal(TlsDecryptStatus.AuthenticationFailed, wrongKey.Decrypt(record, new byte[record.Length], out _, out _));

        // The sequence number is in the nonce (AEAD) or under the MAC (CBC): a lost record shows as a failure, never as garbage.
        Assert.Equal(TlsDecryptStatus.AuthenticationFailed, skipped.Decrypt(record, new byte[record.Length], out _, out _));
    }

    [Fact]
    public void Tls13_AllPaddingNoContentType_IsMalformed()
    {
        var (sealer, decryptor) = Pair(0x1301, false);
        var record = sealer.Seal(0, [], tls13Padding: 10); // inner plaintext of zeros only

        Assert.Equal(TlsDecryptStatus.Malformed, decryptor.Decrypt(record, new byte[record.Length], out _, out _));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void TooShort_LengthMismatch_AndSmallBuffer_AreStatuses(ushort id, bool encryptThenMac)
    {
        var (sealer, decryptor) = Pair(id, encryptThenMac);
        var record = sealer.Seal(23, [1, 2, 3, 4]);

        Assert.Equal(TlsDecryptStatus.Malformed, decryptor.Decrypt(record.AsSpan(0, 4), new byte[64], out _, out _));
        Assert.Equal(TlsDecryptStatus.Malformed, decryptor.Decrypt(record.AsSpan(0, record.Length - 1), new byte[record.Length], out _, out _));
        Assert.Equal(TlsDecryptStatus.BufferTooSmall, decryptor.Decrypt(record, new byte[record.Length - 6], out _, out _));
        for (var fragment = 0; fragment < 48; fragment++)
        {
            byte[] tiny = [.. TlsRecordSealer.Header(23, fragment), .. new byte[fragment]];
            var status = decryptor.Decrypt(tiny, new byte[64], out _, out _);
            Assert.True(status is TlsDecryptStatus.Malformed or TlsDecryptStatus.AuthenticationFailed, $"{fragment}: {status}");
        }
    }

    [Fact]
    public void RandomRecords_NeverThrow()
    {
        var random = new Random(8446);
        foreach (var (id, etm) in new[] { (0x1301, false), (0x1303, false), (0xC02B, false), (0xCCA8, false), (0xC013, false), (0xC027, true) })
        {
            var (_, decryptor) = Pair((ushort)id, etm);
            for (var round = 0; round < 200; round++)
            {
                var length = random.Next(0, 300);
                var record = new byte[5 + length];
                random.NextBytes(record);
                if (round % 2 == 0)
                {
                    TlsRecordSealer.Header(23, length).CopyTo(record, 0);
                }

                var status = decryptor.Decrypt(record, new byte[record.Length], out _, out _);
                Assert.NotEqual(TlsDecryptStatus.Ok, status);
            }
        }
    }

    [Theory]
    [InlineData((ushort)0x1301)]
    [InlineData((ushort)0x1303)]
    [InlineData((ushort)0xC02B)]
    public void DecryptingARecord_AllocatesNothing(ushort id)
    {
        var (sealer, decryptor) = Pair(id, false);
        var record = sealer.Seal(23, new byte[16384]);
        var plaintext = new byte[record.Length];

        var status = TlsDecryptStatus.Malformed;
        var allocated = Allocation.Measure(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                decryptor.SequenceNumber = 0;
                status = decryptor.Decrypt(record, plaintext, out _, out _);
            }
        });

        Assert.Equal(TlsDecryptStatus.Ok, status);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void UnknownSuites_AreNotDecryptable()
    {
        Assert.False(TlsCipherSuite.TryGet(0x0000, out _));
        Assert.False(TlsCipherSuite.TryGet(0x000A, out _)); // 3DES
        Assert.False(TlsCipherSuite.TryGet(0x1304, out _)); // AES-128-CCM
    }

    internal static (TlsRecordSealer Sealer, TlsRecordDecryptor Decryptor) Pair(ushort id, bool encryptThenMac)
    {
        Assert.True(TlsCipherSuite.TryGet(id, out var suite));
        var key = Enumerable.Range(1, suite.KeyLength).Select(i => (byte)(i * 7)).ToArray();
        var iv = Iv(suite);
        var mac = MacKey(suite);
        return (new TlsRecordSealer(suite, (byte[])key.Clone(), (byte[])iv.Clone(), mac, encryptThenMac), new TlsRecordDecryptor(suite, key, iv, mac, encryptThenMac));
    }

    private static byte[] Iv(TlsCipherSuite suite) => Enumerable.Range(100, suite.FixedIvLength).Select(i => (byte)i).ToArray();

    private static byte[] MacKey(TlsCipherSuite suite) => Enumerable.Range(50, suite.MacLength).Select(i => (byte)i).ToArray();
}

internal static class TlsConstantsForTests
{
    public const int MaxFragment = Sensor.Protocols.Tls.TlsConstants.MaxRecordFragment;
}
