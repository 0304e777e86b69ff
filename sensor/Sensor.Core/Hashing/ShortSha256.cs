using System.Buffers.Binary;

namespace Sensor.Core.Hashing;

/// <summary>
/// SHA-256 (FIPS 180-4 §6.2) written out for the short strings JA4 hashes (cipher and extension lists, under a
/// few hundred bytes), for the same reason as <see cref="ShortMd5"/>: OpenSSL's per-call cost, not the hashing,
/// dominated. Identifiers only. Tests compare it with <see cref="System.Security.Cryptography.SHA256"/>.
/// </summary>
public static class ShortSha256
{
    public const int DigestLength = 32;

    public static void Hash(ReadOnlySpan<byte> input, Span<byte> digest)
    {
        Span<uint> state = stackalloc uint[8];
        Sha2Block.Sha256Initial.CopyTo(state);
        var full = input.Length & ~63;
        for (var offset = 0; offset < full; offset += 64)
        {
            Sha2Block.Sha256(state, input.Slice(offset, 64));
        }

        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var rest = input[full..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length < 56 ? 64 : 128;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - 8)..], (ulong)input.Length * 8);
        for (var offset = 0; offset < tailLength; offset += 64)
        {
            Sha2Block.Sha256(state, tail.Slice(offset, 64));
        }

        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], state[i]);
        }
    }
}
