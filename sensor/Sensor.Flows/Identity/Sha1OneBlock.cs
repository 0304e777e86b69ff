using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sensor.Flows.Identity;

/// <summary>
/// SHA-1 (FIPS 180-4 §6.1) for inputs that fit one 64-byte block (at most 55 bytes): every Community ID input
/// (≤ 40 bytes). Once per flow, the BCL's one-shot call into OpenSSL costs more than the hash itself
/// (bench/ CommunityIdBenchmarks; about a quarter of the spine's CPU on the shared capture mix), so this hot
/// path is written out. Tests compare it with <see cref="System.Security.Cryptography.SHA1"/>.
/// </summary>
internal static class Sha1OneBlock
{
    public const int MaxInput = 55;

    public static void Hash(ReadOnlySpan<byte> input, Span<byte> digest)
    {
        if (input.Length > MaxInput)
        {
            throw new ArgumentOutOfRangeException(nameof(input), "one block holds at most 55 bytes");
        }

        // Padding: the message, 0x80, zeros, and the bit length in the last 8 bytes.
        Span<byte> block = stackalloc byte[64];
        block.Clear();
        input.CopyTo(block);
        block[input.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(block[56..], (ulong)input.Length * 8);

        Span<uint> w = stackalloc uint[80];
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        }

        for (var t = 16; t < 80; t++)
        {
            w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        }

        uint h0 = 0x67452301, h1 = 0xEFCDAB89, h2 = 0x98BADCFE, h3 = 0x10325476, h4 = 0xC3D2E1F0;
        uint a = h0, b = h1, c = h2, d = h3, e = h4;

        // The four 20-round stages as separate loops: no per-round choice of function and constant.
        for (var t = 0; t < 20; t++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, ((b & c) | (~b & d)) + 0x5A827999u + w[t]);
        }

        for (var t = 20; t < 40; t++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, (b ^ c ^ d) + 0x6ED9EBA1u + w[t]);
        }

        for (var t = 40; t < 60; t++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, ((b & c) | (b & d) | (c & d)) + 0x8F1BBCDCu + w[t]);
        }

        for (var t = 60; t < 80; t++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, (b ^ c ^ d) + 0xCA62C1D6u + w[t]);
        }

        BinaryPrimitives.WriteUInt32BigEndian(digest, h0 + a);
        BinaryPrimitives.WriteUInt32BigEndian(digest[4..], h1 + b);
        BinaryPrimitives.WriteUInt32BigEndian(digest[8..], h2 + c);
        BinaryPrimitives.WriteUInt32BigEndian(digest[12..], h3 + d);
        BinaryPrimitives.WriteUInt32BigEndian(digest[16..], h4 + e);
    }

    /// <summary>One round: <paramref name="fkw"/> is the stage's function of b, c, d plus its constant and the schedule word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint a, ref uint b, ref uint c, ref uint d, ref uint e, uint fkw)
    {
        var temp = BitOperations.RotateLeft(a, 5) + fkw + e;
        e = d;
        d = c;
        c = BitOperations.RotateLeft(b, 30);
        b = a;
        a = temp;
    }
}
