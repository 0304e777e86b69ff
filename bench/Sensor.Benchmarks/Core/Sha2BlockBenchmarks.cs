using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Hashing;

namespace Sensor.Benchmarks.Core;

/// <summary>
/// The SHA-2 compression functions alone (one block) and one short HMAC-SHA384 under a prepared key, as the TLS 1.3 key
/// schedule runs them: a SHA-384 handshake costs 24 SHA-512 compressions.
/// </summary>
public class Sha2BlockBenchmarks
{
    private readonly ulong[] _state512 = new ulong[8];
    private readonly uint[] _state256 = new uint[8];
    private readonly byte[] _block = new byte[Sha2Block.Sha512BlockLength];
    private readonly byte[] _info = new byte[14];
    private readonly byte[] _mac = new byte[ShortHmac.MaxHashLength];
    private ShortHmac _hmac;

    [GlobalSetup]
    public void Setup()
    {
        new Random(7).NextBytes(_block);
        Sha2Block.Sha384Initial.CopyTo(_state512);
        Sha2Block.Sha256Initial.CopyTo(_state256);
        _hmac = ShortHmac.Create(HashAlgorithmName.SHA384, _block.AsSpan(0, 48));
    }

    [Benchmark]
    public void Sha512Block() => Sha2Block.Sha512(_state512, _block);

    [Benchmark]
    public void Sha256Block() => Sha2Block.Sha256(_state256, _block.AsSpan(0, Sha2Block.Sha256BlockLength));

    [Benchmark]
    public void HmacSha384Short() => _hmac.Compute(default, _info, _mac);
}
