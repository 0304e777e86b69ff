namespace Sensor.Protocols.Tls;

/// <summary>Receives whole handshake messages from <see cref="TlsHandshakeReassembler"/>.</summary>
public interface ITlsHandshakeHandler
{
    /// <summary>One complete handshake message; <paramref name="body"/> is valid only during the call. Return false to stop.</summary>
    bool OnHandshakeMessage(byte type, ReadOnlySpan<byte> body);
}
