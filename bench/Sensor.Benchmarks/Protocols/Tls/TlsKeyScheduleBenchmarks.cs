using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Sensor.Protocols.Tls.Decryption;

namespace Sensor.Benchmarks.Protocols.Tls;

/// <summary>
/// The key work of one decrypted TLS 1.3 handshake, as the sensor does it: both directions derive the handshake traffic
/// key and IV, make their record decryptor, and after Finished derive the application traffic key and IV and rekey
/// (eight HKDF-Expand-Label calls, two decryptors). TLS_AES_128_GCM_SHA256 and TLS_AES_256_GCM_SHA384.
/// </summary>
public class TlsKeyScheduleBenchmarks
{
    private TlsCipherSuite _suite;
    private byte[][] _secrets = [];

    [Params((ushort)0x1301, (ushort)0x1302)]
    public ushort CipherSuite { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (!TlsCipherSuite.TryGet(CipherSuite, out _suite))
        {
            throw new InvalidOperationException($"suite 0x{CipherSuite:x4} not available on this platform");
        }

        var hashLength = _suite.Hash == HashAlgorithmName.SHA384 ? 48 : 32;
        _secrets = [.. Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetBytes(hashLength))];
    }

    [Benchmark]
    public ulong KeySchedulePerHandshake()
    {
        Span<byte> key = stackalloc byte[_suite.KeyLength];
        Span<byte> iv = stackalloc byte[12];
        var sequence = 0UL;
        for (var direction = 0; direction < 2; direction++)
        {
            Tls13KeySchedule.TrafficKeys(_suite.Hash, _secrets[direction], key, iv);
            using var decryptor = new TlsRecordDecryptor(_suite, key, iv);
            Tls13KeySchedule.TrafficKeys(_suite.Hash, _secrets[2 + direction], key, iv);
            decryptor.Rekey(key, iv);
            sequence += decryptor.SequenceNumber + iv[0];
        }

        return sequence;
    }

    /// <summary>The same work as the sensor now does it: the four keys and IVs derived together, then both decryptors.</summary>
    [Benchmark]
    public ulong KeySchedulePerHandshake_FourAtOnce()
    {
        var stride = _suite.KeyLength + 12;
        Span<byte> derived = stackalloc byte[4 * stride];
        Tls13KeySchedule.TrafficKeysOfFour(_suite.Hash, _secrets[0], _secrets[1], _secrets[2], _secrets[3], _suite.KeyLength, 12, derived);
        var sequence = 0UL;
        for (var direction = 0; direction < 2; direction++)
        {
            var handshake = derived.Slice(direction * stride, stride);
            using var decryptor = new TlsRecordDecryptor(_suite, handshake[.._suite.KeyLength], handshake[_suite.KeyLength..]);
            var traffic = derived.Slice((2 + direction) * stride, stride);
            decryptor.Rekey(traffic[.._suite.KeyLength], traffic[_suite.KeyLength..]);
            sequence += decryptor.SequenceNumber + traffic[^1];
        }

        return sequence;
    }
}
