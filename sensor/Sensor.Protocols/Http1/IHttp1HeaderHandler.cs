namespace Sensor.Protocols.Http1;

/// <summary>
/// Receives header fields as spans (Kestrel's <c>IHttpHeadersHandler</c>): implement it on a struct and the JIT
/// devirtualises the call, so parsing allocates nothing.
/// </summary>
public interface IHttp1HeaderHandler
{
    /// <param name="name">The field name as sent (case not folded).</param>
    /// <param name="value">The field value without leading and trailing whitespace; valid only during the call.</param>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}
