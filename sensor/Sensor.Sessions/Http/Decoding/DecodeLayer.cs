namespace Sensor.Sessions.Http.Decoding;

/// <summary>Outcome of feeding bytes to a decoding layer.</summary>
internal enum DecodeLayerStatus : byte
{
    Ok,

    /// <summary>The compressed data is corrupt.</summary>
    Invalid,

    /// <summary>The sink refused more output (a cap was reached).</summary>
    Stopped,
}

/// <summary>One content coding (RFC 9110 §8.4.1) undone incrementally: input may be split anywhere between calls.</summary>
internal abstract class DecodeLayer : IDisposable
{
    /// <summary>Output scratch: large enough to keep per-call overhead low, small enough to stay out of the LOH.</summary>
    protected const int OutputChunkBytes = 16 * 1024;

    /// <summary>Decodes <paramref name="input"/> (valid only during the call) into <paramref name="sink"/>.</summary>
    public abstract DecodeLayerStatus Decode(ReadOnlySpan<byte> input, IDecodedSink sink);

    public abstract void Dispose();
}
