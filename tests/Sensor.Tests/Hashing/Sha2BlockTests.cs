using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Sensor.Core.Hashing;

namespace Sensor.Tests.Hashing;

/// <summary>
/// The SHA-2 compressions on their own: whole SHA-512/384/256 hashes built on them against the BCL's for seeded random
/// lengths and contents (one, two and many blocks, every padding edge), the vector compression against the portable one
/// for random states and blocks at unaligned offsets, and short arguments refused.
/// </summary>
public sealed class Sha2BlockTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 8));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Sha512AndSha384_BuiltOnTheBlock_MatchTheBcl(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 100; i++)
        {
            var input = Bytes(random, random.Next(0, 700));
            var state = new ulong[8];
            Sha512Initial.CopyTo(state);
            Assert.Equal(SHA512.HashData(input), Hash512(state, input, 64));
            Sha2Block.Sha384Initial.CopyTo(state);
            Assert.Equal(SHA384.HashData(input), Hash512(state, input, 48));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Sha256_BuiltOnTheBlock_MatchesTheBcl(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 100; i++)
        {
            var input = Bytes(random, random.Next(0, 700));
            var digest = new byte[ShortSha256.DigestLength];
            ShortSha256.Hash(input, digest);
            Assert.Equal(SHA256.HashData(input), digest);
        }
    }

    public static TheoryData<int> EveryShortLength => new(Enumerable.Range(0, 301));

    /// <summary>Every length from empty across the one/two-block padding edges of both block sizes (55/56/64, 111/112/128).</summary>
    [Theory]
    [MemberData(nameof(EveryShortLength))]
    public void Sha256Sha384Sha512_MatchTheBcl_ForEveryLengthUpTo300(int length)
    {
        var input = Bytes(new Random(length + 1000), length);
        AssertAllThreeMatchTheBcl(input);
    }

    /// <summary>Many blocks: a whole TLS record's worth and more, lengths on and off the block edges.</summary>
    [Theory]
    [InlineData(16_384)]
    [InlineData(16_401)]
    [InlineData(65_536 + 55)]
    [InlineData(1_000_003)]
    public void Sha256Sha384Sha512_MatchTheBcl_ForLargeInputs(int length)
    {
        var input = Bytes(new Random(length), length);
        AssertAllThreeMatchTheBcl(input);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void VectorCompression_EqualsThePortableOne_ForRandomStatesAndUnalignedBlocks(int seed)
    {
        var random = new Random(seed);
        var buffer = Bytes(random, 4096);
        for (var i = 0; i < 200; i++)
        {
            var offset = random.Next(0, buffer.Length - Sha2Block.Sha512BlockLength);
            random.NextBytes(buffer.AsSpan(offset, Sha2Block.Sha512BlockLength));
            var state512 = new ulong[8];
            random.NextBytes(MemoryMarshal.AsBytes(state512.AsSpan()));
            var portable512 = (ulong[])state512.Clone();
            var state256 = new uint[8];
            random.NextBytes(MemoryMarshal.AsBytes(state256.AsSpan()));
            var portable256 = (uint[])state256.Clone();

            Sha2Block.Sha512(state512, buffer.AsSpan(offset, Sha2Block.Sha512BlockLength));
            Sha2Block.Sha512Scalar(portable512, buffer.AsSpan(offset, Sha2Block.Sha512BlockLength));
            Sha2Block.Sha256(state256, buffer.AsSpan(offset, Sha2Block.Sha256BlockLength));
            Sha2Block.Sha256Scalar(portable256, buffer.AsSpan(offset, Sha2Block.Sha256BlockLength));

            Assert.Equal(portable512, state512);
            Assert.Equal(portable256, state256);
        }
    }

    /// <summary>The two-lane compression against two portable ones: random states, random unaligned blocks, either order.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void PairCompression_EqualsTwoPortableOnes_ForRandomStatesAndUnalignedBlocks(int seed)
    {
        var random = new Random(seed + 100);
        var buffer = Bytes(random, 4096);
        for (var i = 0; i < 200; i++)
        {
            var firstOffset = random.Next(0, buffer.Length - Sha2Block.Sha512BlockLength);
            var secondOffset = random.Next(0, buffer.Length - Sha2Block.Sha512BlockLength);
            random.NextBytes(buffer.AsSpan(firstOffset, Sha2Block.Sha512BlockLength));
            var first = new ulong[8];
            var second = new ulong[8];
            random.NextBytes(MemoryMarshal.AsBytes(first.AsSpan()));
            random.NextBytes(MemoryMarshal.AsBytes(second.AsSpan()));
            var portableFirst = (ulong[])first.Clone();
            var portableSecond = (ulong[])second.Clone();

            Sha2Block.Sha512Pair(first, buffer.AsSpan(firstOffset, 128), second, buffer.AsSpan(secondOffset, 128));
            Sha2Block.Sha512Scalar(portableFirst, buffer.AsSpan(firstOffset, 128));
            Sha2Block.Sha512Scalar(portableSecond, buffer.AsSpan(secondOffset, 128));

            Assert.Equal(portableFirst, first);
            Assert.Equal(portableSecond, second);
        }
    }

    /// <summary>The four-lane compression against four portable ones: random states, random blocks.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void QuadCompression_EqualsFourPortableOnes_ForRandomStatesAndBlocks(int seed)
    {
        var random = new Random(seed + 200);
        for (var i = 0; i < 200; i++)
        {
            var blocks = Bytes(random, 4 * Sha2Block.Sha512BlockLength);
            var states = new ulong[32];
            random.NextBytes(MemoryMarshal.AsBytes(states.AsSpan()));
            var portable = (ulong[])states.Clone();

            Sha2Block.Sha512Quad(states, blocks);
            for (var lane = 0; lane < 4; lane++)
            {
                Sha2Block.Sha512Scalar(portable.AsSpan(8 * lane, 8), blocks.AsSpan(128 * lane, 128));
            }

            Assert.Equal(portable, states);
        }
    }

    /// <summary>SHA-384 and SHA-512 of two different one-block messages at once, against the BCL.</summary>
    [Fact]
    public void PairCompression_GivesBclSha384AndSha512_ForEveryOneBlockLength()
    {
        var random = new Random(384);
        for (var length = 0; length <= 111; length++)
        {
            var x = Bytes(random, length);
            var y = Bytes(random, 111 - length);
            var (blockX, blockY) = (new byte[128], new byte[128]);
            x.CopyTo(blockX, 0);
            y.CopyTo(blockY, 0);
            blockX[x.Length] = 0x80;
            blockY[y.Length] = 0x80;
            BinaryPrimitives.WriteUInt64BigEndian(blockX.AsSpan(120), (ulong)x.Length * 8);
            BinaryPrimitives.WriteUInt64BigEndian(blockY.AsSpan(120), (ulong)y.Length * 8);
            var stateX = Sha2Block.Sha384Initial.ToArray();
            var stateY = Sha512Initial.ToArray();

            Sha2Block.Sha512Pair(stateX, blockX, stateY, blockY);

            Assert.Equal(SHA384.HashData(x), BigEndian(stateX)[..48]);
            Assert.Equal(SHA512.HashData(y), BigEndian(stateY));
        }
    }

    [Fact]
    public void ShortStateOrBlock_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => Sha2Block.Sha512(new ulong[7], new byte[128]));
        Assert.Throws<ArgumentException>(() => Sha2Block.Sha512(new ulong[8], new byte[127]));
        Assert.Throws<ArgumentException>(() => Sha2Block.Sha256(new uint[7], new byte[64]));
        Assert.Throws<ArgumentException>(() => Sha2Block.Sha256(new uint[8], new byte[63]));
        Assert.Throws<ArgumentException>(() => Sha2Block.Sha512Pair(new ulong[8], new byte[128], new ulong[7], new byte[128]));
        Assert.Throws<ArgumentException>(() => Sha2Block.Sha512Pair(new ulong[8], new byte[128], new ulong[8], new byte[127]));
        Assert.Throws<ArgumentException>(() => Sha2Block.Sha512Quad(new ulong[31], new byte[512]));
        Assert.Throws<ArgumentException>(() => Sha2Block.Sha512Quad(new ulong[32], new byte[511]));
    }

    private static void AssertAllThreeMatchTheBcl(byte[] input)
    {
        var sha256 = new byte[ShortSha256.DigestLength];
        ShortSha256.Hash(input, sha256);
        Assert.Equal(SHA256.HashData(input), sha256);
        var state = new ulong[8];
        Sha512Initial.CopyTo(state);
        Assert.Equal(SHA512.HashData(input), Hash512(state, input, 64));
        Sha2Block.Sha384Initial.CopyTo(state);
        Assert.Equal(SHA384.HashData(input), Hash512(state, input, 48));
    }

    /// <summary>FIPS 180-4 §5.3.5.</summary>
    private static ReadOnlySpan<ulong> Sha512Initial =>
    [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
    ];

    /// <summary>A whole SHA-512-family hash on <see cref="Sha2Block.Sha512"/>, with FIPS 180-4 §5.1.2 padding.</summary>
    private static byte[] Hash512(Span<ulong> state, byte[] input, int digestLength)
    {
        var full = input.Length - (input.Length % Sha2Block.Sha512BlockLength);
        for (var offset = 0; offset < full; offset += Sha2Block.Sha512BlockLength)
        {
            Sha2Block.Sha512(state, input.AsSpan(offset, Sha2Block.Sha512BlockLength));
        }

        var tail = new byte[2 * Sha2Block.Sha512BlockLength];
        input.AsSpan(full).CopyTo(tail);
        tail[input.Length - full] = 0x80;
        var tailLength = input.Length - full + 1 + 16 <= Sha2Block.Sha512BlockLength ? Sha2Block.Sha512BlockLength : tail.Length;
        BinaryPrimitives.WriteUInt64BigEndian(tail.AsSpan(tailLength - 8), (ulong)input.Length * 8);
        for (var offset = 0; offset < tailLength; offset += Sha2Block.Sha512BlockLength)
        {
            Sha2Block.Sha512(state, tail.AsSpan(offset, Sha2Block.Sha512BlockLength));
        }

        var digest = new byte[64];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(digest.AsSpan(8 * i), state[i]);
        }

        return digest[..digestLength];
    }

    private static byte[] BigEndian(ulong[] state)
    {
        var bytes = new byte[64];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8 * i), state[i]);
        }

        return bytes;
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
