using Sensor.Decode.Link;

namespace Sensor.Capture;

/// <summary>One captured frame. <see cref="Data"/> points into the reader's buffer and is valid until the next read.</summary>
public readonly record struct CapturedFrame(ReadOnlyMemory<byte> Data, long TimestampMicros, int OriginalLength, LinkType LinkType);
