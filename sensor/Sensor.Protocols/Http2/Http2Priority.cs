using System.Buffers.Binary;

namespace Sensor.Protocols.Http2;

/// <summary>
/// The deprecated priority fields of HEADERS and PRIORITY (RFC 9113 §5.3.2, §6.3):
/// <code>
/// |E|  Stream Dependency (31)  | Weight (8) |
/// </code>
/// </summary>
public readonly record struct Http2Priority(bool Exclusive, int StreamDependency, byte Weight)
{
    public const int Size = 5;

    public static Http2Priority Read(ReadOnlySpan<byte> data)
    {
        var word = BinaryPrimitives.ReadUInt32BigEndian(data);
        return new Http2Priority((word & 0x80000000u) != 0, (int)(word & 0x7fffffffu), data[4]);
    }
}
