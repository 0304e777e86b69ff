namespace Sensor.Protocols.AiStream;

/// <summary>Receives the text deltas <see cref="CompletionDeltaReader"/> finds, in stream order.</summary>
public interface ICompletionTextSink
{
    /// <param name="part">Which text the delta continues: a content block, choice, output item or candidate index.</param>
    /// <param name="quoted">The JSON string token, quotes included, as it appears in the event; unescape it with
    /// <see cref="CompletionDeltaReader.Unescape"/>. Valid only during the call.</param>
    void OnTextDelta(int part, ReadOnlySpan<byte> quoted);
}
