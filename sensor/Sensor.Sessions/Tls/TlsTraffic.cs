using Sensor.Protocols.Tls;

namespace Sensor.Sessions.Tls;

/// <summary>Application-data records and bytes of a TLS session, each way (the handshake's encrypted Finished included).</summary>
public sealed class TlsTraffic
{
    public long ClientRecords { get; private set; }

    public long ClientBytes { get; private set; }

    public long ServerRecords { get; private set; }

    public long ServerBytes { get; private set; }

    /// <summary>
    /// Whether the client sent data beyond the handshake. In TLS 1.3 its Finished is itself an application-data
    /// record, so one record is still "handshake only" (a pooled connection never used).
    /// </summary>
    public bool ClientSentData(bool tls13) => ClientRecords > (tls13 ? 1 : 0);

    internal void Update(TlsHandshakeReassembler client, TlsHandshakeReassembler server)
    {
        ClientRecords = client.ApplicationDataRecords;
        ClientBytes = client.ApplicationDataBytes;
        ServerRecords = server.ApplicationDataRecords;
        ServerBytes = server.ApplicationDataBytes;
    }
}
