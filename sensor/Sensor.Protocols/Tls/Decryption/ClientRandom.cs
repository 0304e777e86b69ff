using System.Buffers.Binary;

namespace Sensor.Protocols.Tls.Decryption;

/// <summary>The 32-byte ClientHello random as a value key (key logs match sessions by it): hashing and lookups allocate nothing.</summary>
public readonly record struct ClientRandom(ulong A, ulong B, ulong C, ulong D)
{
    public const int Length = 32;

    /// <summary>Reads the first 32 bytes of <paramref name="random"/>; the caller checks the length.</summary>
    public static ClientRandom From(ReadOnlySpan<byte> random) => new(
        BinaryPrimitives.ReadUInt64BigEndian(random),
        BinaryPrimitives.ReadUInt64BigEndian(random[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(random[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(random[24..]));
}
