using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Benchmarks.Protocols.Tls;

/// <summary>
/// Opening one full TLS 1.3 record (16 KiB of application data, the largest plaintext a record carries) with the key
/// log path's decryptor: AES-128-GCM and ChaCha20-Poly1305. MB/s = 16,384 bytes / mean time. Budget: 0 B per record.
/// </summary>
public class TlsRecordDecryptBenchmarks : IDisposable
{
    private const int PlaintextBytes = 16 * 1024;

    private TlsRecordDecryptor _decryptor = null!;
    private byte[] _record = [];
    private readonly byte[] _plaintext = new byte[PlaintextBytes + 256];

    [Params((ushort)0x1301, (ushort)0x1303)]
    public ushort CipherSuite { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (!TlsCipherSuite.TryGet(CipherSuite, out var suite))
        {
            throw new InvalidOperationException($"suite 0x{CipherSuite:x4} not available on this platform");
        }

        var key = RandomNumberGenerator.GetBytes(suite.KeyLength);
        var iv = RandomNumberGenerator.GetBytes(12);
        _record = Seal(suite, key, iv);
        _decryptor = new TlsRecordDecryptor(suite, key, iv);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _decryptor?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public int Decrypt16KiBRecord()
    {
        _decryptor.SequenceNumber = 0; // the same record each time: sequence 0 is what it was sealed with
        return _decryptor.Decrypt(_record, _plaintext, out var length, out _) == TlsDecryptStatus.Ok ? length : -1;
    }

    /// <summary>A TLS 1.3 record at sequence 0: nonce = IV, additional data = the record header (RFC 8446 §5.2).</summary>
    private static byte[] Seal(TlsCipherSuite suite, byte[] key, byte[] iv)
    {
        var inner = new byte[PlaintextBytes + 1];
        RandomNumberGenerator.Fill(inner.AsSpan(0, PlaintextBytes));
        inner[^1] = 23;
        var length = inner.Length + 16;
        byte[] header = [23, 3, 3, (byte)(length >> 8), (byte)length];
        var record = new byte[header.Length + length];
        header.CopyTo(record, 0);
        var cipher = record.AsSpan(5, inner.Length);
        var tag = record.AsSpan(5 + inner.Length, 16);
        if (suite.Cipher == TlsBulkCipher.ChaCha20Poly1305)
        {
            using var chacha = new ChaCha20Poly1305(key);
            chacha.Encrypt(iv, inner, cipher, tag, header);
        }
        else
        {
            using var gcm = new AesGcm(key, 16);
            gcm.Encrypt(iv, inner, cipher, tag, header);
        }

        return record;
    }
}
