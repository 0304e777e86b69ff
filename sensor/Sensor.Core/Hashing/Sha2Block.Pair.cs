using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sensor.Core.Hashing;

/// <summary>
/// Two independent SHA-512 compressions at once, one per 64-bit lane of a vector register. The TLS 1.3 key schedule's
/// compressions come in independent pairs (a key's ipad and opad blocks; the key's and the IV's inner, then outer,
/// hashes), and one compression is a chain of dependent rounds the core cannot overlap with itself: two lanes cost
/// about one scalar compression's time. With AVX-512 each rotate is one instruction and each three-input boolean
/// (Ch, Maj, the Σ xors) one ternary-logic instruction.
/// </summary>
public static partial class Sha2Block
{
    /// <summary>Compresses <paramref name="firstBlock"/> into <paramref name="first"/> and <paramref name="secondBlock"/> into <paramref name="second"/>.</summary>
    public static void Sha512Pair(Span<ulong> first, ReadOnlySpan<byte> firstBlock, Span<ulong> second, ReadOnlySpan<byte> secondBlock)
    {
        if (first.Length < 8 || second.Length < 8 || firstBlock.Length < Sha512BlockLength || secondBlock.Length < Sha512BlockLength)
        {
            throw new ArgumentException("SHA-512: eight state words and a 128-byte block, twice");
        }

        if (!Ssse3.IsSupported)
        {
            Sha512Scalar(first, firstBlock);
            Sha512Scalar(second, secondBlock);
            return;
        }

        Sha512PairVector(first, firstBlock, second, secondBlock);
    }

    private static void Sha512PairVector(Span<ulong> first, ReadOnlySpan<byte> firstBlock, Span<ulong> second, ReadOnlySpan<byte> secondBlock)
    {
        // W[t & 15] for both messages: lane 0 the first's word, lane 1 the second's.
        Span<Vector128<ulong>> schedule = stackalloc Vector128<ulong>[16];
        ref var w = ref MemoryMarshal.GetReference(schedule);
        ref var x = ref MemoryMarshal.GetReference(firstBlock);
        ref var y = ref MemoryMarshal.GetReference(secondBlock);
        var swap = Vector128.Create((byte)7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
        for (nuint i = 0; i < 8; i++)
        {
            var fromFirst = Ssse3.Shuffle(Vector128.LoadUnsafe(ref x, 16 * i), swap).AsUInt64();
            var fromSecond = Ssse3.Shuffle(Vector128.LoadUnsafe(ref y, 16 * i), swap).AsUInt64();
            Unsafe.Add(ref w, 2 * (nint)i) = Sse2.UnpackLow(fromFirst, fromSecond);
            Unsafe.Add(ref w, (2 * (nint)i) + 1) = Sse2.UnpackHigh(fromFirst, fromSecond);
        }

        ref var p = ref MemoryMarshal.GetReference(first);
        ref var q = ref MemoryMarshal.GetReference(second);
        var a = Vector128.Create(p, q);
        var b = Vector128.Create(Unsafe.Add(ref p, 1), Unsafe.Add(ref q, 1));
        var c = Vector128.Create(Unsafe.Add(ref p, 2), Unsafe.Add(ref q, 2));
        var d = Vector128.Create(Unsafe.Add(ref p, 3), Unsafe.Add(ref q, 3));
        var e = Vector128.Create(Unsafe.Add(ref p, 4), Unsafe.Add(ref q, 4));
        var f = Vector128.Create(Unsafe.Add(ref p, 5), Unsafe.Add(ref q, 5));
        var g = Vector128.Create(Unsafe.Add(ref p, 6), Unsafe.Add(ref q, 6));
        var h = Vector128.Create(Unsafe.Add(ref p, 7), Unsafe.Add(ref q, 7));
        var (a0, b0, c0, d0, e0, f0, g0, h0) = (a, b, c, d, e, f, g, h);
        ref var k = ref MemoryMarshal.GetReference(K512);
        for (nint t = 0; t < 80; t += 8)
        {
            PairRound(a, b, c, ref d, e, f, g, ref h, KeyedWord(ref w, ref k, t));
            PairRound(h, a, b, ref c, d, e, f, ref g, KeyedWord(ref w, ref k, t + 1));
            PairRound(g, h, a, ref b, c, d, e, ref f, KeyedWord(ref w, ref k, t + 2));
            PairRound(f, g, h, ref a, b, c, d, ref e, KeyedWord(ref w, ref k, t + 3));
            PairRound(e, f, g, ref h, a, b, c, ref d, KeyedWord(ref w, ref k, t + 4));
            PairRound(d, e, f, ref g, h, a, b, ref c, KeyedWord(ref w, ref k, t + 5));
            PairRound(c, d, e, ref f, g, h, a, ref b, KeyedWord(ref w, ref k, t + 6));
            PairRound(b, c, d, ref e, f, g, h, ref a, KeyedWord(ref w, ref k, t + 7));
        }

        (a, b, c, d) = (a + a0, b + b0, c + c0, d + d0);
        (e, f, g, h) = (e + e0, f + f0, g + g0, h + h0);
        (p, Unsafe.Add(ref p, 1), Unsafe.Add(ref p, 2), Unsafe.Add(ref p, 3)) = (a.ToScalar(), b.ToScalar(), c.ToScalar(), d.ToScalar());
        (Unsafe.Add(ref p, 4), Unsafe.Add(ref p, 5), Unsafe.Add(ref p, 6), Unsafe.Add(ref p, 7)) = (e.ToScalar(), f.ToScalar(), g.ToScalar(), h.ToScalar());
        (q, Unsafe.Add(ref q, 1), Unsafe.Add(ref q, 2), Unsafe.Add(ref q, 3)) = (a.GetElement(1), b.GetElement(1), c.GetElement(1), d.GetElement(1));
        (Unsafe.Add(ref q, 4), Unsafe.Add(ref q, 5), Unsafe.Add(ref q, 6), Unsafe.Add(ref q, 7)) = (e.GetElement(1), f.GetElement(1), g.GetElement(1), h.GetElement(1));
        schedule.Clear(); // message words of key material
    }

    /// <summary>K[t] + W[t], computing W[t] (FIPS 180-4 §6.4.2 step 1) in place of W[t - 16] from round 16 on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> KeyedWord(ref Vector128<ulong> w, ref ulong k, nint t)
    {
        ref var slot = ref Unsafe.Add(ref w, t & 15);
        if (t >= 16)
        {
            slot += Sigma0(Unsafe.Add(ref w, (t - 15) & 15)) + Unsafe.Add(ref w, (t - 7) & 15) + Sigma1(Unsafe.Add(ref w, (t - 2) & 15));
        }

        return slot + Vector128.Create(Unsafe.Add(ref k, t));
    }

    /// <summary>One SHA-512 round in both lanes: d += T1, h = T1 + T2 (the caller renames the variables).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairRound(
        Vector128<ulong> a, Vector128<ulong> b, Vector128<ulong> c, ref Vector128<ulong> d,
        Vector128<ulong> e, Vector128<ulong> f, Vector128<ulong> g, ref Vector128<ulong> h, Vector128<ulong> kw)
    {
        var t1 = h + kw + Xor3(Rotate(e, 14), Rotate(e, 18), Rotate(e, 41)) + Choose(e, f, g);
        var t2 = Xor3(Rotate(a, 28), Rotate(a, 34), Rotate(a, 39)) + Majority(a, b, c);
        d += t1;
        h = t1 + t2;
    }

    // vpternlogq truth tables: bit (x << 2) | (y << 1) | z of the control byte is the result for input bits x, y, z.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Xor3(Vector128<ulong> x, Vector128<ulong> y, Vector128<ulong> z) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(x, y, z, 0x96) : x ^ y ^ z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Choose(Vector128<ulong> x, Vector128<ulong> y, Vector128<ulong> z) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(x, y, z, 0xCA) : z ^ (x & (y ^ z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Majority(Vector128<ulong> x, Vector128<ulong> y, Vector128<ulong> z) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(x, y, z, 0xE8) : (x & y) | (z & (x | y));
}
