using System.Security.Cryptography;
using Sensor.Core.Hashing;

namespace Sensor.Tests.Hashing;

/// <summary>The written-out MD5 and SHA-256 against the BCL's, for every length across the one/two-block padding edges and beyond.</summary>
public class ShortHashTests
{
    public static TheoryData<int> Lengths => new(Enumerable.Range(0, 300));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Md5_MatchesBcl(int length)
    {
        var input = Input(length);
        Span<byte> digest = stackalloc byte[ShortMd5.DigestLength];
        ShortMd5.Hash(input, digest);
#pragma warning disable CA5351 // the oracle for an identifier hash (JA3), not a security use
        Assert.Equal(MD5.HashData(input), digest.ToArray());
#pragma warning restore CA5351
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sha256_MatchesBcl(int length)
    {
        var input = Input(length);
        Span<byte> digest = stackalloc byte[ShortSha256.DigestLength];
        ShortSha256.Hash(input, digest);
        Assert.Equal(SHA256.HashData(input), digest.ToArray());
    }

    [Fact]
    public void KnownVectors()
    {
        Span<byte> md5 = stackalloc byte[16];
        ShortMd5.Hash("abc"u8, md5);
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Convert.ToHexStringLower(md5));
        Span<byte> sha = stackalloc byte[32];
        ShortSha256.Hash("abc"u8, sha);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(sha));
    }

    private static byte[] Input(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
