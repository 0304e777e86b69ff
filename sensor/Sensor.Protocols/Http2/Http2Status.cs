namespace Sensor.Protocols.Http2;

/// <summary>Outcome of reading a preface or frame (RFC 9113 connection errors split by cause). Wire input never throws.</summary>
public enum Http2Status : byte
{
    Done,
    NeedMoreData,

    /// <summary>The bytes are not the client connection preface (RFC 9113 §3.4).</summary>
    BadPreface,

    /// <summary>Frame length above the receiver's SETTINGS_MAX_FRAME_SIZE (§4.2, FRAME_SIZE_ERROR).</summary>
    FrameTooLarge,

    /// <summary>A frame whose length does not fit its type (PING not 8, SETTINGS not a multiple of 6, ...).</summary>
    BadLength,

    /// <summary>Pad Length not smaller than the payload (§6.1).</summary>
    BadPadding,

    /// <summary>Stream id 0 on a stream frame, or non-zero on a connection frame.</summary>
    BadStreamId,

    /// <summary>A SETTINGS value out of its range (§6.5.2).</summary>
    BadSetting,

    /// <summary>WINDOW_UPDATE with increment 0 (§6.9).</summary>
    ZeroWindowIncrement,
}
