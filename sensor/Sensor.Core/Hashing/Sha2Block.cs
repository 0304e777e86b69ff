using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Sensor.Core.Hashing;

/// <summary>
/// The SHA-256 and SHA-512 compression functions (FIPS 180-4 §6.2.2, §6.4.2), for short inputs where the platform
/// library's per-call set-up costs many times the hashing: <see cref="ShortSha256"/> (JA4) and the TLS key schedule's
/// HMACs. Tests compare both with the BCL's. Where SSSE3 is available the message schedule runs in vector registers
/// beside the scalar rounds (<c>Sha2Block.Vector.cs</c>); this file's scalar code is the fallback.
/// </summary>
public static partial class Sha2Block
{
    public const int Sha256BlockLength = 64;
    public const int Sha512BlockLength = 128;

    public static ReadOnlySpan<uint> Sha256Initial => [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    /// <summary>SHA-384's initial hash value (FIPS 180-4 §5.3.4); its compression is SHA-512's.</summary>
    public static ReadOnlySpan<ulong> Sha384Initial =>
    [
        0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
        0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
    ];

    private static ReadOnlySpan<uint> K256 =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private static ReadOnlySpan<ulong> K512 =>
    [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538, 0x59f111f1b605d019,
        0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3,
        0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65, 0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
        0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
        0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b, 0xa2bfe8a14cf10364, 0xa81a664bbc423001,
        0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb,
        0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c, 0xd186b8c721c0c207,
        0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
        0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a,
        0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ];

    /// <summary>Compresses one 64-byte <paramref name="block"/> into the eight words of <paramref name="state"/>.</summary>
    public static void Sha256(Span<uint> state, ReadOnlySpan<byte> block)
    {
        if (state.Length < 8 || block.Length < Sha256BlockLength)
        {
            throw new ArgumentException("SHA-256: eight state words and a 64-byte block");
        }

        if (Ssse3.IsSupported)
        {
            Sha256Vector(state, block);
            return;
        }

        Sha256Scalar(state, block);
    }

    /// <summary>Compresses one 128-byte <paramref name="block"/> into the eight words of <paramref name="state"/>.</summary>
    public static void Sha512(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        if (state.Length < 8 || block.Length < Sha512BlockLength)
        {
            throw new ArgumentException("SHA-512: eight state words and a 128-byte block");
        }

        if (Ssse3.IsSupported)
        {
            Sha512Vector(state, block);
            return;
        }

        Sha512Scalar(state, block);
    }

    internal static void Sha256Scalar(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        }

        for (var t = 16; t < 64; t++)
        {
            var s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        var k = K256;
        for (var t = 0; t < 64; t++)
        {
            var s1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            var t1 = h + s1 + ((e & f) ^ (~e & g)) + k[t] + w[t];
            var s0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            var t2 = s0 + ((a & b) ^ (a & c) ^ (b & c));
            (h, g, f, e, d, c, b, a) = (g, f, e, d + t1, c, b, a, t1 + t2);
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    internal static void Sha512Scalar(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        // Eight rounds per step with the working variables renamed instead of rotated, and no bounds checks inside:
        // this is most of a handshake's key derivation (TLS_AES_256_GCM_SHA384 is the usual suite).
        Span<ulong> schedule = stackalloc ulong[80];
        ref var w = ref MemoryMarshal.GetReference(schedule);
        for (var t = 0; t < 16; t++)
        {
            Unsafe.Add(ref w, t) = BinaryPrimitives.ReadUInt64BigEndian(block[(8 * t)..]);
        }

        for (var t = 16; t < 80; t++)
        {
            var w15 = Unsafe.Add(ref w, t - 15);
            var w2 = Unsafe.Add(ref w, t - 2);
            var s0 = BitOperations.RotateRight(w15, 1) ^ BitOperations.RotateRight(w15, 8) ^ (w15 >> 7);
            var s1 = BitOperations.RotateRight(w2, 19) ^ BitOperations.RotateRight(w2, 61) ^ (w2 >> 6);
            Unsafe.Add(ref w, t) = Unsafe.Add(ref w, t - 16) + s0 + Unsafe.Add(ref w, t - 7) + s1;
        }

        ulong a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        ref var k = ref MemoryMarshal.GetReference(K512);
        for (var t = 0; t < 80; t += 8)
        {
            Round512(a, b, c, ref d, e, f, g, ref h, Unsafe.Add(ref k, t) + Unsafe.Add(ref w, t));
            Round512(h, a, b, ref c, d, e, f, ref g, Unsafe.Add(ref k, t + 1) + Unsafe.Add(ref w, t + 1));
            Round512(g, h, a, ref b, c, d, e, ref f, Unsafe.Add(ref k, t + 2) + Unsafe.Add(ref w, t + 2));
            Round512(f, g, h, ref a, b, c, d, ref e, Unsafe.Add(ref k, t + 3) + Unsafe.Add(ref w, t + 3));
            Round512(e, f, g, ref h, a, b, c, ref d, Unsafe.Add(ref k, t + 4) + Unsafe.Add(ref w, t + 4));
            Round512(d, e, f, ref g, h, a, b, ref c, Unsafe.Add(ref k, t + 5) + Unsafe.Add(ref w, t + 5));
            Round512(c, d, e, ref f, g, h, a, ref b, Unsafe.Add(ref k, t + 6) + Unsafe.Add(ref w, t + 6));
            Round512(b, c, d, ref e, f, g, h, ref a, Unsafe.Add(ref k, t + 7) + Unsafe.Add(ref w, t + 7));
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    /// <summary>One SHA-512 round: d += T1, h = T1 + T2 (the caller renames the variables for the next round).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round512(ulong a, ulong b, ulong c, ref ulong d, ulong e, ulong f, ulong g, ref ulong h, ulong kw)
    {
        var t1 = h + (BitOperations.RotateRight(e, 14) ^ BitOperations.RotateRight(e, 18) ^ BitOperations.RotateRight(e, 41)) + ((e & f) ^ (~e & g)) + kw;
        var t2 = (BitOperations.RotateRight(a, 28) ^ BitOperations.RotateRight(a, 34) ^ BitOperations.RotateRight(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
        d += t1;
        h = t1 + t2;
    }
}
