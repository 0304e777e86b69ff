using System.Security.Cryptography;
using Sensor.Flows.Identity;

namespace Sensor.Tests.Flows.Identity;

/// <summary>The managed one-block SHA-1 behind Community ID, differentially against the BCL's SHA-1.</summary>
public class Sha1OneBlockTests
{
    [Fact]
    public void Hash_EveryLengthUpToOneBlock_MatchesBcl()
    {
        var random = new Random(20261124);
        for (var length = 0; length <= Sha1OneBlock.MaxInput; length++)
        {
            for (var trial = 0; trial < 20; trial++)
            {
                var input = new byte[length];
                random.NextBytes(input);
                var ours = new byte[20];
                Sha1OneBlock.Hash(input, ours);
#pragma warning disable CA5350 // the reference implementation of what we compute
                Assert.Equal(SHA1.HashData(input), ours);
#pragma warning restore CA5350
            }
        }
    }

    [Fact]
    public void Hash_Abc_MatchesFipsExample()
    {
        // FIPS 180-4 example: SHA-1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d
        var digest = new byte[20];
        Sha1OneBlock.Hash("abc"u8, digest);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Hash_InputLongerThanOneBlock_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sha1OneBlock.Hash(new byte[56], new byte[20]));
    }
}
