using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sensor.Core.Hashing;

/// <summary>
/// Four independent SHA-512 compressions at once, one per 64-bit lane of a 256-bit register: as
/// <c>Sha2Block.Pair.cs</c>, for a TLS 1.3 session's four traffic secrets, whose keys and IVs are derived together.
/// </summary>
public static partial class Sha2Block
{
    /// <summary>
    /// Compresses block i (128 bytes at <c>128 * i</c> of <paramref name="blocks"/>) into state i (eight words at
    /// <c>8 * i</c> of <paramref name="states"/>), for i = 0..3.
    /// </summary>
    public static void Sha512Quad(Span<ulong> states, ReadOnlySpan<byte> blocks)
    {
        if (states.Length < 32 || blocks.Length < 4 * Sha512BlockLength)
        {
            throw new ArgumentException("SHA-512: four states of eight words and four 128-byte blocks");
        }

        if (!Avx2.IsSupported)
        {
            for (var i = 0; i < 4; i++)
            {
                Sha512(states.Slice(8 * i, 8), blocks.Slice(Sha512BlockLength * i, Sha512BlockLength));
            }

            return;
        }

        Sha512QuadVector(states, blocks);
    }

    private static void Sha512QuadVector(Span<ulong> states, ReadOnlySpan<byte> blocks)
    {
        // W[t & 15] of the four messages, lane i message i. Gathered word by word: 64 loads against ~1,500 round operations.
        Span<Vector256<ulong>> schedule = stackalloc Vector256<ulong>[16];
        ref var w = ref MemoryMarshal.GetReference(schedule);
        for (var t = 0; t < 16; t++)
        {
            Unsafe.Add(ref w, t) = Vector256.Create(
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(8 * t)..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(Sha512BlockLength + (8 * t))..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[((2 * Sha512BlockLength) + (8 * t))..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[((3 * Sha512BlockLength) + (8 * t))..]));
        }

        ref var s = ref MemoryMarshal.GetReference(states);
        var a = Lanes(ref s, 0);
        var b = Lanes(ref s, 1);
        var c = Lanes(ref s, 2);
        var d = Lanes(ref s, 3);
        var e = Lanes(ref s, 4);
        var f = Lanes(ref s, 5);
        var g = Lanes(ref s, 6);
        var h = Lanes(ref s, 7);
        var (a0, b0, c0, d0, e0, f0, g0, h0) = (a, b, c, d, e, f, g, h);
        ref var k = ref MemoryMarshal.GetReference(K512);
        for (nint t = 0; t < 80; t += 8)
        {
            QuadRound(a, b, c, ref d, e, f, g, ref h, KeyedWord(ref w, ref k, t));
            QuadRound(h, a, b, ref c, d, e, f, ref g, KeyedWord(ref w, ref k, t + 1));
            QuadRound(g, h, a, ref b, c, d, e, ref f, KeyedWord(ref w, ref k, t + 2));
            QuadRound(f, g, h, ref a, b, c, d, ref e, KeyedWord(ref w, ref k, t + 3));
            QuadRound(e, f, g, ref h, a, b, c, ref d, KeyedWord(ref w, ref k, t + 4));
            QuadRound(d, e, f, ref g, h, a, b, ref c, KeyedWord(ref w, ref k, t + 5));
            QuadRound(c, d, e, ref f, g, h, a, ref b, KeyedWord(ref w, ref k, t + 6));
            QuadRound(b, c, d, ref e, f, g, h, ref a, KeyedWord(ref w, ref k, t + 7));
        }

        Store(ref s, 0, a + a0);
        Store(ref s, 1, b + b0);
        Store(ref s, 2, c + c0);
        Store(ref s, 3, d + d0);
        Store(ref s, 4, e + e0);
        Store(ref s, 5, f + f0);
        Store(ref s, 6, g + g0);
        Store(ref s, 7, h + h0);
        schedule.Clear(); // message words of key material

        static Vector256<ulong> Lanes(ref ulong s, nint word) =>
            Vector256.Create(Unsafe.Add(ref s, word), Unsafe.Add(ref s, 8 + word), Unsafe.Add(ref s, 16 + word), Unsafe.Add(ref s, 24 + word));

        static void Store(ref ulong s, nint word, Vector256<ulong> value)
        {
            Unsafe.Add(ref s, word) = value.GetElement(0);
            Unsafe.Add(ref s, 8 + word) = value.GetElement(1);
            Unsafe.Add(ref s, 16 + word) = value.GetElement(2);
            Unsafe.Add(ref s, 24 + word) = value.GetElement(3);
        }
    }

    /// <summary>K[t] + W[t] in four lanes, as the two-lane <see cref="KeyedWord(ref Vector128{ulong}, ref ulong, nint)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> KeyedWord(ref Vector256<ulong> w, ref ulong k, nint t)
    {
        ref var slot = ref Unsafe.Add(ref w, t & 15);
        if (t >= 16)
        {
            slot += Sigma0(Unsafe.Add(ref w, (t - 15) & 15)) + Unsafe.Add(ref w, (t - 7) & 15) + Sigma1(Unsafe.Add(ref w, (t - 2) & 15));
        }

        return slot + Vector256.Create(Unsafe.Add(ref k, t));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void QuadRound(
        Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> c, ref Vector256<ulong> d,
        Vector256<ulong> e, Vector256<ulong> f, Vector256<ulong> g, ref Vector256<ulong> h, Vector256<ulong> kw)
    {
        var t1 = h + kw + Xor3(Rotate(e, 14), Rotate(e, 18), Rotate(e, 41)) + Choose(e, f, g);
        var t2 = Xor3(Rotate(a, 28), Rotate(a, 34), Rotate(a, 39)) + Majority(a, b, c);
        d += t1;
        h = t1 + t2;
    }

    /// <summary>SHA-512's σ0 and σ1 in four lanes, as the two-lane ones in <c>Sha2Block.Vector.cs</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Sigma0(Vector256<ulong> x) => Xor3(Rotate(x, 1), Rotate(x, 8), x >>> 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Sigma1(Vector256<ulong> x) => Xor3(Rotate(x, 19), Rotate(x, 61), x >>> 6);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Rotate(Vector256<ulong> x, [ConstantExpected] byte count) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, count) : (x >>> count) | (x << (64 - count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Xor3(Vector256<ulong> x, Vector256<ulong> y, Vector256<ulong> z) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(x, y, z, 0x96) : x ^ y ^ z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Choose(Vector256<ulong> x, Vector256<ulong> y, Vector256<ulong> z) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(x, y, z, 0xCA) : z ^ (x & (y ^ z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Majority(Vector256<ulong> x, Vector256<ulong> y, Vector256<ulong> z) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(x, y, z, 0xE8) : (x & y) | (z & (x | y));
}
