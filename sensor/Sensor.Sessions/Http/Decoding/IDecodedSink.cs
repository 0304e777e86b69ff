namespace Sensor.Sessions.Http.Decoding;

/// <summary>Where a decoding layer puts its output.</summary>
internal interface IDecodedSink
{
    /// <summary>Takes decoded bytes (valid only during the call); false asks the producer to stop.</summary>
    bool Accept(ReadOnlySpan<byte> decoded);
}
