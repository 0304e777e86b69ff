namespace Sensor.Protocols.Sse;

/// <summary>
/// One dispatched event (WHATWG HTML "dispatch the event"). The spans point into the reader's buffers and stay valid
/// until the next <see cref="SseReader.Read"/>.
/// </summary>
/// <param name="EventType">The <c>event:</c> field, or <c>message</c> when none was given.</param>
/// <param name="Data">The data lines joined by LF, without the final LF.</param>
/// <param name="LastEventId">The last event ID buffer (it persists across events, as the spec says).</param>
/// <param name="RetryMillis">The stream's reconnection time (the last valid <c>retry:</c> so far, it persists like the id), or -1.</param>
public readonly ref struct SseEvent(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ReadOnlySpan<byte> lastEventId, long retryMillis)
{
    public ReadOnlySpan<byte> EventType { get; } = eventType;

    public ReadOnlySpan<byte> Data { get; } = data;

    public ReadOnlySpan<byte> LastEventId { get; } = lastEventId;

    public long RetryMillis { get; } = retryMillis;
}
