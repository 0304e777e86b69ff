namespace Sensor.Protocols.Http1;

/// <summary>
/// Outcome of an HTTP/1.x parse step (Kestrel's bool + consumed, plus the two ways a passive sensor must give up):
/// wire input never throws.
/// </summary>
public enum Http1ParseStatus : byte
{
    Done,

    /// <summary>The element is not complete yet; nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>The bytes are not HTTP/1.x (or break a rule a real client never breaks).</summary>
    Invalid,

    /// <summary>A line or section is longer than its <see cref="Http1Limits"/> cap.</summary>
    TooLarge,
}
