namespace Sensor.Protocols.AiStream;

/// <summary>What <see cref="CompletionDeltaReader.Read"/> found in one event.</summary>
public enum CompletionDeltaStatus : byte
{
    /// <summary>A well-formed event without completion text (<c>message_start</c>, <c>ping</c>, a role-only chunk, <c>[DONE]</c>).</summary>
    NoText,

    /// <summary>One or more text deltas were given to the sink.</summary>
    Text,

    /// <summary>The data is not one JSON value (cut, or not JSON): text given to the sink before the fault stays given.</summary>
    Malformed,
}
