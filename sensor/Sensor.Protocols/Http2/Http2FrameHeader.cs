using System.Buffers.Binary;

namespace Sensor.Protocols.Http2;

/// <summary>
/// The 9-octet frame header (RFC 9113 §4.1):
/// <code>
/// +-----------------------------------------------+
/// |                 Length (24)                   |
/// +---------------+---------------+---------------+
/// |   Type (8)    |   Flags (8)   |
/// +-+-------------+---------------+-------------------------------+
/// |R|                 Stream Identifier (31)                      |
/// +=+=============================================================+
/// |                   Frame Payload (0...)                      ...
/// </code>
/// </summary>
public readonly record struct Http2FrameHeader(int Length, Http2FrameType Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    /// <summary>SETTINGS_MAX_FRAME_SIZE before SETTINGS says otherwise: 2^14 (§6.5.2).</summary>
    public const int DefaultMaxFrameSize = 16384;

    /// <summary>The largest SETTINGS_MAX_FRAME_SIZE a peer may announce: 2^24-1 (§6.5.2).</summary>
    public const int LargestMaxFrameSize = 16777215;

    private const int TypeOffset = 3;
    private const int FlagsOffset = 4;
    private const int StreamIdOffset = 5;

    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    /// <summary>Reads the header; FrameTooLarge when the length exceeds <paramref name="maxFrameSize"/> (checked before any buffering).</summary>
    public static Http2Status TryRead(ReadOnlySpan<byte> data, int maxFrameSize, out Http2FrameHeader header)
    {
        if (data.Length < Size)
        {
            header = default;
            return Http2Status.NeedMoreData;
        }

        var length = (data[0] << 16) | (data[1] << 8) | data[2];
        var streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(data[StreamIdOffset..]) & 0x7fffffffu);
        header = new Http2FrameHeader(length, (Http2FrameType)data[TypeOffset], data[FlagsOffset], streamId);
        return length > maxFrameSize ? Http2Status.FrameTooLarge : Http2Status.Done;
    }
}
