using System.Buffers;

namespace Sensor.Flows.Tcp;

/// <summary>An out-of-order segment held until the bytes before it arrive. Data lives in a pooled array.</summary>
internal struct BufferedSegment
{
    public long Start;
    public int Length;
    public byte[] Data;

    public readonly long End => Start + Length;

    public static BufferedSegment Copy(long start, ReadOnlySpan<byte> bytes)
    {
        var data = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(data);
        return new BufferedSegment { Start = start, Length = bytes.Length, Data = data };
    }

    public readonly ReadOnlySpan<byte> Span => Data.AsSpan(0, Length);

    public readonly void Return() => ArrayPool<byte>.Shared.Return(Data);
}
