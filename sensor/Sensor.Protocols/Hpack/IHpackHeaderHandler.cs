namespace Sensor.Protocols.Hpack;

/// <summary>
/// Receives each decoded header field as spans (Kestrel's IHttpHeadersHandler shape). The spans point into the block,
/// the dynamic table or the decoder's scratch and are valid only during the call. Implement on a struct: the
/// generic constraint lets the JIT devirtualise the call.
/// </summary>
public interface IHpackHeaderHandler
{
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}
