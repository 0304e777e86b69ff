using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Hashing;

namespace Sensor.Benchmarks.Core;

/// <summary>
/// The hashes fingerprints take of short strings (a JA4 cipher list of ~80 bytes, a JA3 string of ~200 bytes): the
/// written-out MD5/SHA-256 beside the BCL's one-shot and reused incremental OpenSSL calls. Why ShortMd5/ShortSha256 exist.
/// </summary>
public class FingerprintHashBenchmarks
{
    private readonly byte[] _digest = new byte[32];
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // JA3 is defined over MD5: an identifier
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
    private byte[] _input = [];

    [Params(80, 200)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = new byte[Length];
        new Random(7).NextBytes(_input);
    }

    [Benchmark(Baseline = true)]
    public void Sha256Written() => ShortSha256.Hash(_input, _digest);

    [Benchmark]
    public int Sha256OneShot() => SHA256.HashData(_input, _digest);

    [Benchmark]
    public void Sha256Incremental()
    {
        _sha256.AppendData(_input);
        _sha256.GetHashAndReset(_digest);
    }

    [Benchmark]
    public void Md5Written() => ShortMd5.Hash(_input, _digest);

#pragma warning disable CA5351
    [Benchmark]
    public int Md5OneShot() => MD5.HashData(_input, _digest);
#pragma warning restore CA5351

    [Benchmark]
    public void Md5Incremental()
    {
        _md5.AppendData(_input);
        _md5.GetHashAndReset(_digest);
    }
}
