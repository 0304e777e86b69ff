using System.Buffers.Binary;

namespace Sensor.Protocols.Http2;

/// <summary>
/// Payload readers for each frame type (RFC 9113 §6), given the header and the whole payload. Each checks the
/// type's length, stream-id and padding rules and returns the fields as values or slices of the payload.
/// </summary>
public static partial class Http2Frames
{
    /// <summary>
    /// Strips padding (§6.1, §6.2, §6.6):
    /// <code>
    /// +---------------+
    /// |Pad Length? (8)|
    /// +---------------+-----------------------------------------------+
    /// |                 ... payload ...                             ...
    /// +---------------------------------------------------------------+
    /// |                           Padding (*)                       ...
    /// </code>
    /// </summary>
    private static Http2Status Unpad(Http2FrameHeader header, ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> content)
    {
        content = payload;
        if (!header.HasFlag(Http2Flags.Padded))
        {
            return Http2Status.Done;
        }

        if (payload.IsEmpty || payload[0] >= payload.Length)
        {
            return Http2Status.BadPadding;
        }

        content = payload[1..^payload[0]];
        return Http2Status.Done;
    }

    /// <summary>DATA (§6.1): the application bytes, padding removed.</summary>
    public static Http2Status ReadData(Http2FrameHeader header, ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> data)
    {
        data = default;
        return header.StreamId == 0 ? Http2Status.BadStreamId : Unpad(header, payload, out data);
    }

    /// <summary>
    /// HEADERS (§6.2): the header block fragment, after padding and the optional priority fields.
    /// <code>
    /// |Pad Length? (8)| E | Stream Dependency? (31) | Weight? (8) | Field Block Fragment (*) | Padding (*)
    /// </code>
    /// </summary>
    public static Http2Status ReadHeaders(Http2FrameHeader header, ReadOnlySpan<byte> payload, out Http2Priority priority, out ReadOnlySpan<byte> fragment)
    {
        priority = default;
        fragment = default;
        if (header.StreamId == 0)
        {
            return Http2Status.BadStreamId;
        }

        var status = Unpad(header, payload, out var content);
        if (status != Http2Status.Done)
        {
            return status;
        }

        if (header.HasFlag(Http2Flags.Priority))
        {
            if (content.Length < Http2Priority.Size)
            {
                return Http2Status.BadLength;
            }

            priority = Http2Priority.Read(content);
            content = content[Http2Priority.Size..];
        }

        fragment = content;
        return Http2Status.Done;
    }

    /// <summary>PRIORITY (§6.3): exactly 5 octets, stream id non-zero.</summary>
    public static Http2Status ReadPriority(Http2FrameHeader header, ReadOnlySpan<byte> payload, out Http2Priority priority)
    {
        priority = default;
        if (header.StreamId == 0)
        {
            return Http2Status.BadStreamId;
        }

        if (payload.Length != Http2Priority.Size)
        {
            return Http2Status.BadLength;
        }

        priority = Http2Priority.Read(payload);
        return Http2Status.Done;
    }

    /// <summary>RST_STREAM (§6.4): a 32-bit error code.</summary>
    public static Http2Status ReadRstStream(Http2FrameHeader header, ReadOnlySpan<byte> payload, out uint errorCode)
    {
        errorCode = 0;
        if (header.StreamId == 0)
        {
            return Http2Status.BadStreamId;
        }

        if (payload.Length != 4)
        {
            return Http2Status.BadLength;
        }

        errorCode = BinaryPrimitives.ReadUInt32BigEndian(payload);
        return Http2Status.Done;
    }

    /// <summary>
    /// PUSH_PROMISE (§6.6): the promised stream id and the header block fragment.
    /// <code>
    /// |Pad Length? (8)| R | Promised Stream ID (31) | Field Block Fragment (*) | Padding (*)
    /// </code>
    /// </summary>
    public static Http2Status ReadPushPromise(Http2FrameHeader header, ReadOnlySpan<byte> payload, out int promisedStreamId, out ReadOnlySpan<byte> fragment)
    {
        promisedStreamId = 0;
        fragment = default;
        if (header.StreamId == 0)
        {
            return Http2Status.BadStreamId;
        }

        var status = Unpad(header, payload, out var content);
        if (status != Http2Status.Done)
        {
            return status;
        }

        if (content.Length < 4)
        {
            return Http2Status.BadLength;
        }

        promisedStreamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(content) & 0x7fffffffu);
        fragment = content[4..];
        return promisedStreamId == 0 ? Http2Status.BadStreamId : Http2Status.Done;
    }

    /// <summary>PING (§6.7): 8 opaque octets on stream 0.</summary>
    public static Http2Status ReadPing(Http2FrameHeader header, ReadOnlySpan<byte> payload, out ulong opaque)
    {
        opaque = 0;
        if (header.StreamId != 0)
        {
            return Http2Status.BadStreamId;
        }

        if (payload.Length != 8)
        {
            return Http2Status.BadLength;
        }

        opaque = BinaryPrimitives.ReadUInt64BigEndian(payload);
        return Http2Status.Done;
    }

    /// <summary>
    /// GOAWAY (§6.8): last stream id the sender may have processed, error code, debug data.
    /// <code>
    /// | R | Last-Stream-ID (31) | Error Code (32) | Additional Debug Data (*)
    /// </code>
    /// </summary>
    public static Http2Status ReadGoAway(Http2FrameHeader header, ReadOnlySpan<byte> payload, out int lastStreamId, out uint errorCode, out ReadOnlySpan<byte> debugData)
    {
        lastStreamId = 0;
        errorCode = 0;
        debugData = default;
        if (header.StreamId != 0)
        {
            return Http2Status.BadStreamId;
        }

        if (payload.Length < 8)
        {
            return Http2Status.BadLength;
        }

        lastStreamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffffu);
        errorCode = BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
        debugData = payload[8..];
        return Http2Status.Done;
    }

    /// <summary>WINDOW_UPDATE (§6.9): a 31-bit increment, never 0; on stream 0 or a stream.</summary>
    public static Http2Status ReadWindowUpdate(Http2FrameHeader header, ReadOnlySpan<byte> payload, out int increment)
    {
        increment = 0;
        if (payload.Length != 4)
        {
            return Http2Status.BadLength;
        }

        increment = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffffu);
        return increment == 0 ? Http2Status.ZeroWindowIncrement : Http2Status.Done;
    }

    /// <summary>CONTINUATION (§6.10): the rest of a header block; no padding, no priority.</summary>
    public static Http2Status ReadContinuation(Http2FrameHeader header, ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> fragment)
    {
        fragment = payload;
        return header.StreamId == 0 ? Http2Status.BadStreamId : Http2Status.Done;
    }
}
