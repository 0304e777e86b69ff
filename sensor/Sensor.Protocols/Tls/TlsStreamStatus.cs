namespace Sensor.Protocols.Tls;

public enum TlsStreamStatus : byte
{
    /// <summary>Still in the clear part of the handshake: feed more bytes.</summary>
    NeedMoreData,
    /// <summary>The clear handshake is over (ChangeCipherSpec, application data, or the handler had enough).</summary>
    Done,
    /// <summary>Not TLS, or a malformed record.</summary>
    Invalid,
    /// <summary>A handshake message larger than the cap: parsing stopped.</summary>
    TooLarge,
}
