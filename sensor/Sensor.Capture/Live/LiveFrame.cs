using System.Buffers;

namespace Sensor.Capture.Live;

/// <summary>A frame copied off the capture thread into a pooled buffer; the worker returns it after processing.</summary>
public readonly record struct LiveFrame(byte[] Buffer, int Length, long TimestampMicros, int OriginalLength)
{
    public ReadOnlyMemory<byte> Data => Buffer.AsMemory(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
