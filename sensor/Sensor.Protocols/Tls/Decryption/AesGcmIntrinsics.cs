using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// AES-GCM decryption (NIST SP 800-38D) on the AES-NI and PCLMULQDQ instructions, for the small records that dominate
/// API traffic (a few hundred bytes): the BCL's AesGcm re-initialises an OpenSSL cipher context with the nonce on every
/// call, which cost more than the decryption itself. AES rounds after Intel's AES-NI white paper (Gueron, 2010), GHASH
/// after Gueron and Kounavis, "Intel Carry-Less Multiplication Instruction and its Usage for Computing the GCM Mode"
/// (bit-reflected operands, the hash key pre-multiplied by x so the reduction is two carry-less folding steps), four
/// blocks per reduction with H^1..H^4.
/// Tests compare it with the BCL's AesGcm on random keys, nonces, lengths and additional data.
/// </summary>
public sealed class AesGcmIntrinsics : IDisposable
{
    public const int TagLength = 16;
    public const int NonceLength = 12;
    private const int Block = 16;

    private readonly Vector128<byte>[] _roundKeys = new Vector128<byte>[15];
    private int _rounds;
    private Vector128<ulong> _h1;
    private Vector128<ulong> _h2;
    private Vector128<ulong> _h3;
    private Vector128<ulong> _h4;

    public AesGcmIntrinsics(ReadOnlySpan<byte> key)
    {
        SetKey(key);
    }

    /// <summary>Whether this CPU (and runtime) has the instructions; otherwise use the BCL's AesGcm.</summary>
    public static bool IsSupported => X86Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported && Sse41.IsSupported;

    private static Vector128<byte> ByteSwap => Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    /// <summary>Forgets the key schedule and the hash key, as the BCL's AesGcm frees its key: session keys outlive no connection.</summary>
    public void Dispose()
    {
        Array.Clear(_roundKeys);
        _rounds = 0;
        _h1 = _h2 = _h3 = _h4 = default;
    }

    /// <summary>A 16- or 32-byte AES key (AES-128 or AES-256).</summary>
    public void SetKey(ReadOnlySpan<byte> key)
    {
        if (key.Length == 16)
        {
            ExpandKey128(key);
        }
        else if (key.Length == 32)
        {
            ExpandKey256(key);
        }
        else
        {
            throw new ArgumentException("AES-128 or AES-256 key expected", nameof(key));
        }

        // The hash key is kept as H·x (H shifted left by one, reduced), so products need no shift before reduction:
        // (A·x)(B·x)/x = (AB)·x keeps the powers in that form, and X·(H·x)/x = X·H is the plain GHASH step.
        var h = Reflect(EncryptBlock(Vector128<byte>.Zero));
        var (low, high) = (h.GetElement(0), h.GetElement(1));
        h = Vector128.Create(low << 1, (high << 1) | (low >> 63));
        if (high >> 63 != 0)
        {
            h ^= Vector128.Create(1UL, 0xc200000000000000); // the bit shifted out of x^127, reduced (x^128 = x^7 + x^2 + x + 1, reflected)
        }

        _h1 = h;
        _h2 = Multiply(h, h);
        _h3 = Multiply(_h2, h);
        _h4 = Multiply(_h3, h);
    }

    /// <summary>
    /// Checks the tag and decrypts <paramref name="ciphertext"/> into <paramref name="plaintext"/> (same length, may be the
    /// same memory). False on a wrong tag, with <paramref name="plaintext"/> cleared.
    /// </summary>
    public bool Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> additionalData)
    {
        if (nonce.Length != NonceLength || tag.Length != TagLength || plaintext.Length < ciphertext.Length)
        {
            throw new ArgumentException("12-byte nonce, 16-byte tag and room for the plaintext expected");
        }

        // J0 = nonce || 0^31 || 1 (SP 800-38D §7.1, 96-bit IV); the keystream starts at inc32(J0). E(J0) masks the tag; it
        // is independent of everything below, so it overlaps with the hashing.
        var counterBlock = Vector128.Create(
            BinaryPrimitives.ReadUInt64LittleEndian(nonce),
            BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]) | (1UL << 56)).AsUInt32();
        var tagMask = EncryptBlock(counterBlock.AsByte());

        var x = Vector128<ulong>.Zero;
        x = HashPadded(x, additionalData);

        var counter = 2u;
        var done = 0;
        var length = ciphertext.Length;
        for (; done + (4 * Block) <= length; done += 4 * Block)
        {
            var c0 = Vector128.Create(ciphertext.Slice(done, Block));
            var c1 = Vector128.Create(ciphertext.Slice(done + Block, Block));
            var c2 = Vector128.Create(ciphertext.Slice(done + (2 * Block), Block));
            var c3 = Vector128.Create(ciphertext.Slice(done + (3 * Block), Block));

            Vector128<ulong> lo = default, hi = default;
            MultiplyAdd(x ^ Reflect(c0), _h4, ref lo, ref hi);
            MultiplyAdd(Reflect(c1), _h3, ref lo, ref hi);
            MultiplyAdd(Reflect(c2), _h2, ref lo, ref hi);
            MultiplyAdd(Reflect(c3), _h1, ref lo, ref hi);
            x = Reduce(lo, hi);

            Keystream4(counterBlock, counter, out var k0, out var k1, out var k2, out var k3);
            counter += 4;
            (c0 ^ k0).CopyTo(plaintext.Slice(done, Block));
            (c1 ^ k1).CopyTo(plaintext.Slice(done + Block, Block));
            (c2 ^ k2).CopyTo(plaintext.Slice(done + (2 * Block), Block));
            (c3 ^ k3).CopyTo(plaintext.Slice(done + (3 * Block), Block));
        }

        // The tail (up to three whole blocks and a partial one) and the lengths block: one four-block keystream, and the
        // hash with one reduction per four blocks instead of one per block (API records are mostly a few hundred bytes,
        // so the tail is a good part of the work). Zero padding beyond the ciphertext is what GHASH hashes.
        Span<Vector128<ulong>> blocks = stackalloc Vector128<ulong>[5];
        var count = 0;
        if (done < length)
        {
            Span<byte> last = stackalloc byte[4 * Block];
            last.Clear();
            var rest = length - done;
            ciphertext[done..].CopyTo(last);
            var c0 = Vector128.Create((ReadOnlySpan<byte>)last);
            var c1 = Vector128.Create((ReadOnlySpan<byte>)last[Block..]);
            var c2 = Vector128.Create((ReadOnlySpan<byte>)last[(2 * Block)..]);
            var c3 = Vector128.Create((ReadOnlySpan<byte>)last[(3 * Block)..]);
            Keystream4(counterBlock, counter, out var k0, out var k1, out var k2, out var k3);
            (c0 ^ k0).CopyTo(last);
            (c1 ^ k1).CopyTo(last[Block..]);
            (c2 ^ k2).CopyTo(last[(2 * Block)..]);
            (c3 ^ k3).CopyTo(last[(3 * Block)..]);
            last[..rest].CopyTo(plaintext[done..]);
            last.Clear(); // keystream and plaintext

            blocks[0] = Reflect(c0);
            blocks[1] = Reflect(c1);
            blocks[2] = Reflect(c2);
            blocks[3] = Reflect(c3);
            count = (rest + Block - 1) / Block;
        }

        // len(A) || len(C) in bits, as two big-endian 64-bit words; reflected, C's length is the low lane.
        blocks[count++] = Vector128.Create((ulong)length * 8, (ulong)additionalData.Length * 8);
        for (var first = 0; first < count;)
        {
            var group = Math.Min(4, count - first);
            Vector128<ulong> lo = default, hi = default;
            MultiplyAdd(x ^ blocks[first], Power(group), ref lo, ref hi);
            for (var i = 1; i < group; i++)
            {
                MultiplyAdd(blocks[first + i], Power(group - i), ref lo, ref hi);
            }

            x = Reduce(lo, hi);
            first += group;
        }

        var expected = Ssse3.Shuffle(x.AsByte(), ByteSwap) ^ tagMask;
        if (expected != Vector128.Create(tag))
        {
            plaintext[..length].Clear();
            return false;
        }

        return true;
    }

    /// <summary>GHASH over <paramref name="data"/>, its last block zero-padded.</summary>
    private Vector128<ulong> HashPadded(Vector128<ulong> x, ReadOnlySpan<byte> data)
    {
        var done = 0;
        for (; done + Block <= data.Length; done += Block)
        {
            x = Multiply(x ^ Reflect(Vector128.Create(data.Slice(done, Block))), _h1);
        }

        if (done < data.Length)
        {
            Span<byte> last = stackalloc byte[Block];
            last.Clear();
            data[done..].CopyTo(last);
            x = Multiply(x ^ Reflect(Vector128.Create((ReadOnlySpan<byte>)last)), _h1);
        }

        return x;
    }

    /// <summary>H^n (n = 1..4), in the H·x form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<ulong> Power(int n) => n switch
    {
        1 => _h1,
        2 => _h2,
        3 => _h3,
        _ => _h4,
    };

    /// <summary>The keystream blocks for counters <paramref name="counter"/> to <paramref name="counter"/> + 3 of the record whose J0 is <paramref name="j0"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Keystream4(Vector128<uint> j0, uint counter, out Vector128<byte> k0, out Vector128<byte> k1, out Vector128<byte> k2, out Vector128<byte> k3) =>
        Encrypt4(Counter(j0, counter), Counter(j0, counter + 1), Counter(j0, counter + 2), Counter(j0, counter + 3), out k0, out k1, out k2, out k3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Counter(Vector128<uint> j0, uint counter) =>
        Sse41.Insert(j0, BinaryPrimitives.ReverseEndianness(counter), 3).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reflect(Vector128<byte> block) => Ssse3.Shuffle(block, ByteSwap).AsUInt64();

    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        var keys = _roundKeys;
        block ^= keys[0];
        for (var i = 1; i < _rounds; i++)
        {
            block = X86Aes.Encrypt(block, keys[i]);
        }

        return X86Aes.EncryptLast(block, keys[_rounds]);
    }

    /// <summary>Four independent blocks round by round, so the AES unit's latency overlaps.</summary>
    private void Encrypt4(Vector128<byte> b0, Vector128<byte> b1, Vector128<byte> b2, Vector128<byte> b3, out Vector128<byte> o0, out Vector128<byte> o1, out Vector128<byte> o2, out Vector128<byte> o3)
    {
        var keys = _roundKeys;
        var k = keys[0];
        (b0, b1, b2, b3) = (b0 ^ k, b1 ^ k, b2 ^ k, b3 ^ k);
        for (var i = 1; i < _rounds; i++)
        {
            k = keys[i];
            b0 = X86Aes.Encrypt(b0, k);
            b1 = X86Aes.Encrypt(b1, k);
            b2 = X86Aes.Encrypt(b2, k);
            b3 = X86Aes.Encrypt(b3, k);
        }

        k = keys[_rounds];
        o0 = X86Aes.EncryptLast(b0, k);
        o1 = X86Aes.EncryptLast(b1, k);
        o2 = X86Aes.EncryptLast(b2, k);
        o3 = X86Aes.EncryptLast(b3, k);
    }

    /// <summary>a * b / x in GF(2^128), both bit-reflected: a * H when b is H·x.</summary>
    private static Vector128<ulong> Multiply(Vector128<ulong> a, Vector128<ulong> b)
    {
        Vector128<ulong> lo = default, hi = default;
        MultiplyAdd(a, b, ref lo, ref hi);
        return Reduce(lo, hi);
    }

    /// <summary>Adds the unreduced 256-bit carry-less product a * b to hi:lo (schoolbook, four multiplications).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd(Vector128<ulong> a, Vector128<ulong> b, ref Vector128<ulong> lo, ref Vector128<ulong> hi)
    {
        var t0 = Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        var middle = Pclmulqdq.CarrylessMultiply(a, b, 0x10) ^ Pclmulqdq.CarrylessMultiply(a, b, 0x01);
        var t3 = Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        lo ^= t0 ^ Sse2.ShiftLeftLogical128BitLane(middle, 8);
        hi ^= t3 ^ Sse2.ShiftRightLogical128BitLane(middle, 8);
    }

    /// <summary>
    /// hi:lo / x modulo x^128 + x^7 + x^2 + x + 1 (bit-reflected), in two folding phases of carry-less multiplications by
    /// the polynomial's constant instead of the shift-and-xor reduction: one operand of each product is pre-multiplied by
    /// x (see <see cref="SetKey"/>). The same steps as the Linux kernel's GHASH_MUL_AVX2 (aesni-intel_avx-x86_64.S).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reduce(Vector128<ulong> lo, Vector128<ulong> hi)
    {
        var poly = Vector128.Create(0x00000001c2000000UL, 0xc200000000000000UL);
        var fold = Sse2.ShiftLeftLogical128BitLane(Pclmulqdq.CarrylessMultiply(poly, lo, 0x01), 8);
        lo ^= fold;
        var right = Sse2.ShiftRightLogical128BitLane(Pclmulqdq.CarrylessMultiply(poly, lo, 0x00), 4);
        var left = Sse2.ShiftLeftLogical128BitLane(Pclmulqdq.CarrylessMultiply(poly, lo, 0x10), 4);
        return left ^ right ^ hi;
    }

    private void ExpandKey128(ReadOnlySpan<byte> key)
    {
        _rounds = 10;
        var k = _roundKeys;
        var t = Vector128.Create(key);
        k[0] = t;
        k[1] = t = Next128(t, X86Aes.KeygenAssist(t, 0x01));
        k[2] = t = Next128(t, X86Aes.KeygenAssist(t, 0x02));
        k[3] = t = Next128(t, X86Aes.KeygenAssist(t, 0x04));
        k[4] = t = Next128(t, X86Aes.KeygenAssist(t, 0x08));
        k[5] = t = Next128(t, X86Aes.KeygenAssist(t, 0x10));
        k[6] = t = Next128(t, X86Aes.KeygenAssist(t, 0x20));
        k[7] = t = Next128(t, X86Aes.KeygenAssist(t, 0x40));
        k[8] = t = Next128(t, X86Aes.KeygenAssist(t, 0x80));
        k[9] = t = Next128(t, X86Aes.KeygenAssist(t, 0x1b));
        k[10] = Next128(t, X86Aes.KeygenAssist(t, 0x36));
    }

    private void ExpandKey256(ReadOnlySpan<byte> key)
    {
        _rounds = 14;
        var k = _roundKeys;
        var t1 = Vector128.Create(key[..16]);
        var t3 = Vector128.Create(key[16..]);
        k[0] = t1;
        k[1] = t3;
        k[2] = t1 = Next128(t1, X86Aes.KeygenAssist(t3, 0x01));
        k[3] = t3 = Odd256(t1, t3);
        k[4] = t1 = Next128(t1, X86Aes.KeygenAssist(t3, 0x02));
        k[5] = t3 = Odd256(t1, t3);
        k[6] = t1 = Next128(t1, X86Aes.KeygenAssist(t3, 0x04));
        k[7] = t3 = Odd256(t1, t3);
        k[8] = t1 = Next128(t1, X86Aes.KeygenAssist(t3, 0x08));
        k[9] = t3 = Odd256(t1, t3);
        k[10] = t1 = Next128(t1, X86Aes.KeygenAssist(t3, 0x10));
        k[11] = t3 = Odd256(t1, t3);
        k[12] = t1 = Next128(t1, X86Aes.KeygenAssist(t3, 0x20));
        k[13] = Odd256(t1, t3);
        k[14] = Next128(t1, X86Aes.KeygenAssist(k[13], 0x40));
    }

    /// <summary>KEY_256_ASSIST_2: the odd round key, SubWord (no rotation, no rcon) of word 3 of the even key just made.</summary>
    private static Vector128<byte> Odd256(Vector128<byte> even, Vector128<byte> previousOdd) =>
        Spread(previousOdd) ^ Sse2.Shuffle(X86Aes.KeygenAssist(even, 0x00).AsUInt32(), 0xaa).AsByte();

    /// <summary>AES_128_ASSIST / KEY_256_ASSIST_1: the previous words xored forward plus the broadcast RotWord(SubWord)^rcon.</summary>
    private static Vector128<byte> Next128(Vector128<byte> previous, Vector128<byte> assist) =>
        Spread(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xff).AsByte();

    /// <summary>w0, w0^w1, w0^w1^w2, w0^w1^w2^w3.</summary>
    private static Vector128<byte> Spread(Vector128<byte> t)
    {
        var shifted = Sse2.ShiftLeftLogical128BitLane(t, 4);
        t ^= shifted;
        shifted = Sse2.ShiftLeftLogical128BitLane(shifted, 4);
        t ^= shifted;
        shifted = Sse2.ShiftLeftLogical128BitLane(shifted, 4);
        return t ^ shifted;
    }
}
