namespace Sensor.Protocols.Sse;

/// <summary>What one <see cref="SseReader.Read"/> step produced.</summary>
public enum SseReadStatus : byte
{
    /// <summary>The input is used up; feed the next chunk.</summary>
    NeedMoreData,

    /// <summary>An event was dispatched: read it from <see cref="SseReader.Current"/> before the next call.</summary>
    Event,

    /// <summary>An event was longer than <see cref="SseLimits.MaxEventBytes"/>: it was skipped, the reader is in sync again.</summary>
    EventTooLarge,
}
