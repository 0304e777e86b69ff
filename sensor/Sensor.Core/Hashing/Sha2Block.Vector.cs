using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sensor.Core.Hashing;

/// <summary>
/// The compressions with the message schedule (FIPS 180-4 §6.2.2 step 1, §6.4.2 step 1) in SSE registers: two SHA-512
/// or four SHA-256 words per step, computed between the scalar rounds that use them. The rounds are integer work and
/// the schedule vector work, so the core runs both at once; and nothing goes through a stack array (which the runtime
/// would also zero on every call). The rounds keep a..h in registers: each call site names the variables in their
/// rotated order instead of moving eight values per round, and Maj reuses the previous round's a ^ b.
/// About half the time of the scalar code on the profiled machine (Sha2BlockBenchmarks).
/// </summary>
public static partial class Sha2Block
{
    private static void Sha512Vector(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        ref var source = ref MemoryMarshal.GetReference(block);
        ref var k = ref MemoryMarshal.GetReference(K512);
        var swap = Vector128.Create((byte)7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
        var x0 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source), swap).AsUInt64();
        var x1 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 16), swap).AsUInt64();
        var x2 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 32), swap).AsUInt64();
        var x3 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 48), swap).AsUInt64();
        var x4 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 64), swap).AsUInt64();
        var x5 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 80), swap).AsUInt64();
        var x6 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 96), swap).AsUInt64();
        var x7 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 112), swap).AsUInt64();
        ref var s = ref MemoryMarshal.GetReference(state);
        ulong a = s, b = Unsafe.Add(ref s, 1), c = Unsafe.Add(ref s, 2), d = Unsafe.Add(ref s, 3);
        ulong e = Unsafe.Add(ref s, 4), f = Unsafe.Add(ref s, 5), g = Unsafe.Add(ref s, 6), h = Unsafe.Add(ref s, 7);
        var bc = b ^ c;

        // x0..x7 hold W[t..t+15]; each Two512 runs two rounds on x0 and replaces it with the words 16 further on (the
        // last pass computes 16 words nobody reads: cheaper than a second copy of the loop).
        for (nint t = 0; t < 80; t += 16)
        {
            Two512(ref x0, x1, x4, x5, x7, ref Unsafe.Add(ref k, t), a, b, ref c, ref d, e, f, ref g, ref h, ref bc);
            Two512(ref x1, x2, x5, x6, x0, ref Unsafe.Add(ref k, t + 2), g, h, ref a, ref b, c, d, ref e, ref f, ref bc);
            Two512(ref x2, x3, x6, x7, x1, ref Unsafe.Add(ref k, t + 4), e, f, ref g, ref h, a, b, ref c, ref d, ref bc);
            Two512(ref x3, x4, x7, x0, x2, ref Unsafe.Add(ref k, t + 6), c, d, ref e, ref f, g, h, ref a, ref b, ref bc);
            Two512(ref x4, x5, x0, x1, x3, ref Unsafe.Add(ref k, t + 8), a, b, ref c, ref d, e, f, ref g, ref h, ref bc);
            Two512(ref x5, x6, x1, x2, x4, ref Unsafe.Add(ref k, t + 10), g, h, ref a, ref b, c, d, ref e, ref f, ref bc);
            Two512(ref x6, x7, x2, x3, x5, ref Unsafe.Add(ref k, t + 12), e, f, ref g, ref h, a, b, ref c, ref d, ref bc);
            Two512(ref x7, x0, x3, x4, x6, ref Unsafe.Add(ref k, t + 14), c, d, ref e, ref f, g, h, ref a, ref b, ref bc);
        }

        s += a;
        Unsafe.Add(ref s, 1) += b;
        Unsafe.Add(ref s, 2) += c;
        Unsafe.Add(ref s, 3) += d;
        Unsafe.Add(ref s, 4) += e;
        Unsafe.Add(ref s, 5) += f;
        Unsafe.Add(ref s, 6) += g;
        Unsafe.Add(ref s, 7) += h;
    }

    /// <summary>Rounds t and t+1 on W = x0, then x0 = W[t+16..t+17] from x0 (W[t]), x1 (W[t+1]), x4/x5 (W[t+9]), x7 (W[t+14..t+15]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Two512(
        ref Vector128<ulong> x0, Vector128<ulong> x1, Vector128<ulong> x4, Vector128<ulong> x5, Vector128<ulong> x7, ref ulong k,
        ulong a, ulong b, ref ulong c, ref ulong d, ulong e, ulong f, ref ulong g, ref ulong h, ref ulong bc)
    {
        var kw = x0 + Vector128.LoadUnsafe(ref k);
        Round512(a, b, ref d, e, f, g, ref h, kw.ToScalar(), ref bc);
        Round512(h, a, ref c, d, e, f, ref g, kw.GetElement(1), ref bc);
        var w15 = Ssse3.AlignRight(x1.AsByte(), x0.AsByte(), 8).AsUInt64();
        var w7 = Ssse3.AlignRight(x5.AsByte(), x4.AsByte(), 8).AsUInt64();
        x0 += Sigma0(w15) + w7 + Sigma1(x7);
    }

    /// <summary>One SHA-512 round: d += T1, h = T1 + T2; <paramref name="bc"/> is b ^ c on entry and a ^ b (the next round's b ^ c) on return.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round512(ulong a, ulong b, ref ulong d, ulong e, ulong f, ulong g, ref ulong h, ulong kw, ref ulong bc)
    {
        var t1 = h + kw + (BitOperations.RotateRight(e, 14) ^ BitOperations.RotateRight(e, 18) ^ BitOperations.RotateRight(e, 41)) + (g ^ (e & (f ^ g)));
        var ab = a ^ b;
        var t2 = (BitOperations.RotateRight(a, 28) ^ BitOperations.RotateRight(a, 34) ^ BitOperations.RotateRight(a, 39)) + (b ^ (ab & bc));
        bc = ab;
        d += t1;
        h = t1 + t2;
    }

    private static void Sha256Vector(Span<uint> state, ReadOnlySpan<byte> block)
    {
        ref var source = ref MemoryMarshal.GetReference(block);
        ref var k = ref MemoryMarshal.GetReference(K256);
        var swap = Vector128.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        var x0 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source), swap).AsUInt32();
        var x1 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 16), swap).AsUInt32();
        var x2 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 32), swap).AsUInt32();
        var x3 = Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, 48), swap).AsUInt32();
        ref var s = ref MemoryMarshal.GetReference(state);
        uint a = s, b = Unsafe.Add(ref s, 1), c = Unsafe.Add(ref s, 2), d = Unsafe.Add(ref s, 3);
        uint e = Unsafe.Add(ref s, 4), f = Unsafe.Add(ref s, 5), g = Unsafe.Add(ref s, 6), h = Unsafe.Add(ref s, 7);
        var bc = b ^ c;
        for (nint t = 0; t < 64; t += 16)
        {
            Four256(ref x0, x1, x2, x3, ref Unsafe.Add(ref k, t), ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, ref bc);
            Four256(ref x1, x2, x3, x0, ref Unsafe.Add(ref k, t + 4), ref e, ref f, ref g, ref h, ref a, ref b, ref c, ref d, ref bc);
            Four256(ref x2, x3, x0, x1, ref Unsafe.Add(ref k, t + 8), ref a, ref b, ref c, ref d, ref e, ref f, ref g, ref h, ref bc);
            Four256(ref x3, x0, x1, x2, ref Unsafe.Add(ref k, t + 12), ref e, ref f, ref g, ref h, ref a, ref b, ref c, ref d, ref bc);
        }

        s += a;
        Unsafe.Add(ref s, 1) += b;
        Unsafe.Add(ref s, 2) += c;
        Unsafe.Add(ref s, 3) += d;
        Unsafe.Add(ref s, 4) += e;
        Unsafe.Add(ref s, 5) += f;
        Unsafe.Add(ref s, 6) += g;
        Unsafe.Add(ref s, 7) += h;
    }

    /// <summary>
    /// Rounds t..t+3 on W = x0, then x0 = W[t+16..t+19]. σ1 needs W[t+14..t+15] for the first two new words and the
    /// first two new words for the last two, so it runs twice, each time on half the lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Four256(
        ref Vector128<uint> x0, Vector128<uint> x1, Vector128<uint> x2, Vector128<uint> x3, ref uint k,
        ref uint a, ref uint b, ref uint c, ref uint d, ref uint e, ref uint f, ref uint g, ref uint h, ref uint bc)
    {
        var kw = x0 + Vector128.LoadUnsafe(ref k);
        Round256(a, b, ref d, e, f, g, ref h, kw.ToScalar(), ref bc);
        Round256(h, a, ref c, d, e, f, ref g, kw.GetElement(1), ref bc);
        Round256(g, h, ref b, c, d, e, ref f, kw.GetElement(2), ref bc);
        Round256(f, g, ref a, b, c, d, ref e, kw.GetElement(3), ref bc);
        var w15 = Ssse3.AlignRight(x1.AsByte(), x0.AsByte(), 4).AsUInt32();
        var w7 = Ssse3.AlignRight(x3.AsByte(), x2.AsByte(), 4).AsUInt32();
        var sum = x0 + (Rotate(w15, 7) ^ Rotate(w15, 18) ^ (w15 >>> 3)) + w7;
        sum += Sigma1(Sse2.Shuffle(x3, 0b_11_10_11_10)) & Vector128.Create(uint.MaxValue, uint.MaxValue, 0, 0);
        x0 = sum + (Sigma1(Sse2.Shuffle(sum, 0b_01_00_01_00)) & Vector128.Create(0, 0, uint.MaxValue, uint.MaxValue));
    }

    /// <summary>SHA-512's σ0 (of W[t-15]) in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Sigma0(Vector128<ulong> x) => Xor3(Rotate(x, 1), Rotate(x, 8), x >>> 7);

    /// <summary>SHA-512's σ1 (of W[t-2]) in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Sigma1(Vector128<ulong> x) => Xor3(Rotate(x, 19), Rotate(x, 61), x >>> 6);

    /// <summary>SHA-256's σ1 in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Sigma1(Vector128<uint> x) => Rotate(x, 17) ^ Rotate(x, 19) ^ (x >>> 10);

    /// <summary>One SHA-256 round, as <see cref="Round512"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round256(uint a, uint b, ref uint d, uint e, uint f, uint g, ref uint h, uint kw, ref uint bc)
    {
        var t1 = h + kw + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25)) + (g ^ (e & (f ^ g)));
        var ab = a ^ b;
        var t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22)) + (b ^ (ab & bc));
        bc = ab;
        d += t1;
        h = t1 + t2;
    }

    /// <summary>Lane-wise rotate right: one instruction with AVX-512, two shifts and an or without.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Rotate(Vector128<ulong> x, [ConstantExpected] byte count) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, count) : (x >>> count) | (x << (64 - count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Rotate(Vector128<uint> x, [ConstantExpected] byte count) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, count) : (x >>> count) | (x << (32 - count));
}
