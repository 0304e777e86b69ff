namespace Sensor.Protocols.Http2;

/// <summary>Frame types (RFC 9113 §6). Unknown types must be ignored (§4.1, §5.5).</summary>
public enum Http2FrameType : byte
{
    Data = 0x0,
    Headers = 0x1,
    Priority = 0x2,
    RstStream = 0x3,
    Settings = 0x4,
    PushPromise = 0x5,
    Ping = 0x6,
    GoAway = 0x7,
    WindowUpdate = 0x8,
    Continuation = 0x9,
}

/// <summary>Frame flags (RFC 9113 §6); their meaning depends on the type.</summary>
public static class Http2Flags
{
    /// <summary>DATA, HEADERS: last frame of the stream in this direction.</summary>
    public const byte EndStream = 0x1;

    /// <summary>SETTINGS, PING: acknowledgement (same bit as END_STREAM).</summary>
    public const byte Ack = 0x1;

    /// <summary>HEADERS, PUSH_PROMISE, CONTINUATION: the header block ends in this frame.</summary>
    public const byte EndHeaders = 0x4;

    /// <summary>DATA, HEADERS, PUSH_PROMISE: a Pad Length octet and padding are present.</summary>
    public const byte Padded = 0x8;

    /// <summary>HEADERS: the deprecated priority fields (stream dependency, weight) are present.</summary>
    public const byte Priority = 0x20;
}

/// <summary>SETTINGS parameters (RFC 9113 §6.5.2). Unknown ones must be ignored.</summary>
public enum Http2SettingId : ushort
{
    HeaderTableSize = 0x1,
    EnablePush = 0x2,
    MaxConcurrentStreams = 0x3,
    InitialWindowSize = 0x4,
    MaxFrameSize = 0x5,
    MaxHeaderListSize = 0x6,
}
