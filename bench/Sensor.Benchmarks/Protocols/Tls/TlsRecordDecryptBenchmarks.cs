using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Benchmarks.Protocols.Tls;

/// <summary>
/// Opening one TLS 1.3 record with the key log path's decryptor: AES-128-GCM and ChaCha20-Poly1305, a typical API record
/// (300 bytes; the shared captures average 270) and a full one (16 KiB, the largest plaintext a record carries).
/// MB/s = bytes / mean time. Budget: 0 B per record. <see cref="BclAead"/> opens the same record with the BCL's AesGcm /
/// ChaCha20Poly1305 directly, the baseline for AES-GCM on <see cref="AesGcmIntrinsics"/>.
/// </summary>
public class TlsRecordDecryptBenchmarks : IDisposable
{
    private TlsRecordDecryptor _decryptor = null!;
    private AesGcm? _bclGcm;
    private ChaCha20Poly1305? _bclChaCha;
    private byte[] _iv = [];
    private byte[] _record = [];
    private readonly byte[] _plaintext = new byte[(16 * 1024) + 256];

    [Params((ushort)0x1301, (ushort)0x1303)]
    public ushort CipherSuite { get; set; }

    [Params(300, 16 * 1024)]
    public int PlaintextBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (!TlsCipherSuite.TryGet(CipherSuite, out var suite))
        {
            throw new InvalidOperationException($"suite 0x{CipherSuite:x4} not available on this platform");
        }

        var key = RandomNumberGenerator.GetBytes(suite.KeyLength);
        var iv = RandomNumberGenerator.GetBytes(12);
        _record = Seal(suite, key, iv, PlaintextBytes);
        _decryptor = new TlsRecordDecryptor(suite, key, iv);
        _iv = iv;
        if (suite.Cipher == TlsBulkCipher.ChaCha20Poly1305)
        {
            _bclChaCha = new ChaCha20Poly1305(key);
        }
        else
        {
            _bclGcm = new AesGcm(key, 16);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _decryptor?.Dispose();
        _bclGcm?.Dispose();
        _bclChaCha?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public int DecryptRecord()
    {
        _decryptor.SequenceNumber = 0; // the same record each time: sequence 0 is what it was sealed with
        return _decryptor.Decrypt(_record, _plaintext, out var length, out _) == TlsDecryptStatus.Ok ? length : -1;
    }

    [Benchmark(Baseline = true)]
    public int BclAead()
    {
        var fragment = _record.AsSpan(5);
        var cipher = fragment[..^16];
        if (_bclGcm is not null)
        {
            _bclGcm.Decrypt(_iv, cipher, fragment[^16..], _plaintext.AsSpan(0, cipher.Length), _record.AsSpan(0, 5));
        }
        else
        {
            _bclChaCha!.Decrypt(_iv, cipher, fragment[^16..], _plaintext.AsSpan(0, cipher.Length), _record.AsSpan(0, 5));
        }

        return cipher.Length;
    }

    /// <summary>A TLS 1.3 record at sequence 0: nonce = IV, additional data = the record header (RFC 8446 §5.2).</summary>
    private static byte[] Seal(TlsCipherSuite suite, byte[] key, byte[] iv, int plaintextBytes)
    {
        var inner = new byte[plaintextBytes + 1];
        RandomNumberGenerator.Fill(inner.AsSpan(0, plaintextBytes));
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
