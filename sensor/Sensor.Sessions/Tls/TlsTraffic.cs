using Sensor.Protocols.Tls;

namespace Sensor.Sessions.Tls;

/// <summary>
/// The client's application-data records of a TLS session (its encrypted Finished included): enough to tell a used
/// connection from a pooled one that never carried a request. Without keys, the session stops counting once that is
/// settled (<see cref="Sensor.Core.Events.FlowIdentity.AppLayerDone"/>); the flow event has the byte counts.
/// </summary>
public sealed class TlsTraffic
{
    public long ClientRecords { get; private set; }

    /// <summary>
    /// Whether the client sent data beyond the handshake. In TLS 1.3 its Finished is itself an application-data
    /// record, so one record is still "handshake only" (a pooled connection never used).
    /// </summary>
    public bool ClientSentData(bool tls13) => ClientRecords > (tls13 ? 1 : 0);

    internal void Update(TlsHandshakeReassembler client) => ClientRecords = client.ApplicationDataRecords;
}
