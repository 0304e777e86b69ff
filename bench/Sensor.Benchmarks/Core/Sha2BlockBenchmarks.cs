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
    private readonly ulong[] _other512 = new ulong[8];
    private readonly ulong[] _states512 = new ulong[32];
    private readonly byte[] _blocks = new byte[4 * Sha2Block.Sha512BlockLength];
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
        Sha2Block.Sha384Initial.CopyTo(_other512);
        new Random(8).NextBytes(_blocks);
        _hmac = ShortHmac.Create(HashAlgorithmName.SHA384, _block.AsSpan(0, 48));
    }

    [Benchmark]
    public void Sha512Block() => Sha2Block.Sha512(_state512, _block);

    /// <summary>Two compressions side by side (compare with two <see cref="Sha512Block"/>).</summary>
    [Benchmark]
    public void Sha512PairBlocks() => Sha2Block.Sha512Pair(_state512, _block, _other512, _blocks);

    /// <summary>Four compressions side by side (compare with four <see cref="Sha512Block"/>).</summary>
    [Benchmark]
    public void Sha512QuadBlocks() => Sha2Block.Sha512Quad(_states512, _blocks);

    [Benchmark]
    public void Sha256Block() => Sha2Block.Sha256(_state256, _block.AsSpan(0, Sha2Block.Sha256BlockLength));

    [Benchmark]
    public void HmacSha384Short() => _hmac.Compute(default, _info, _mac);
}
