using System.Net;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Decode;
using Sensor.Flows.Identity;
using Sensor.Flows.Tcp;

namespace Sensor.Flows;

/// <summary>
/// One bidirectional flow: counters, state and, for TCP, a reassembler per direction. Owned by one
/// worker for its whole life, so nothing here is locked.
/// </summary>
public sealed class Flow : IStreamObserver
{
    private readonly FlowTable _table;
    private FlowIdentity? _identity;

    internal Flow(FlowTable table, in FlowKey key, long id, bool clientIsLow, byte ipVersion, long nowMicros)
    {
        _table = table;
        Key = key;
        Id = id;
        ClientIsLow = clientIsLow;
        IpVersion = ipVersion;
        StartMicros = nowMicros;
        LastMicros = nowMicros;
    }

    public FlowKey Key { get; }

    public long Id { get; }

    /// <summary>Whether the client (event <c>src</c>) is the key's low endpoint.</summary>
    public bool ClientIsLow { get; }

    public byte IpVersion { get; }

    public byte Protocol => Key.Protocol;

    public FlowState State { get; internal set; }

    public long StartMicros { get; }

    public long LastMicros { get; internal set; }

    public long PacketsToServer { get; internal set; }

    public long PacketsToClient { get; internal set; }

    public long BytesToServer { get; internal set; }

    public long BytesToClient { get; internal set; }

    /// <summary>Transport payload bytes (TCP segment data, UDP datagram data), retransmissions included.</summary>
    public long PayloadToServer { get; internal set; }

    public long PayloadToClient { get; internal set; }

    public TcpFlags FlagsSeen { get; internal set; }

    public bool Midstream { get; internal set; }

    internal bool FinToServer { get; set; }

    internal bool FinToClient { get; set; }

    internal IStreamConsumer Consumer { get; set; } = NullStreamConsumer.Instance;

    /// <summary>UDP flows: who wants the datagrams, if anyone.</summary>
    internal IDatagramConsumer? Datagrams { get; set; }

    internal TcpStreamReassembler? ToServer { get; set; }

    internal TcpStreamReassembler? ToClient { get; set; }

    // Intrusive LRU list links (FlowList): O(1) touch and expiry without allocation.
    internal Flow? Newer { get; set; }

    internal Flow? Older { get; set; }

    internal FlowList? List { get; set; }

    /// <summary>The envelope fields of this flow's events, built on first use (one allocation per flow, not per packet).</summary>
    public FlowIdentity Identity => _identity ??= BuildIdentity();

    public Direction DirectionOf(bool sourceIsLow) => sourceIsLow == ClientIsLow ? Direction.ToServer : Direction.ToClient;

    void IStreamObserver.OnStreamAnomaly(AnomalyKind kind, long value) => _table.Anomalies.Report(kind, LastMicros, Identity, value);

    internal void ReportConsumerFault() => _table.Anomalies.Report(AnomalyKind.StreamConsumerFault, LastMicros, Identity);

    private FlowIdentity BuildIdentity()
    {
        var client = ClientIsLow ? Key.LowAddress : Key.HighAddress;
        var server = ClientIsLow ? Key.HighAddress : Key.LowAddress;
        var clientPort = ClientIsLow ? Key.LowPort : Key.HighPort;
        var serverPort = ClientIsLow ? Key.HighPort : Key.LowPort;
        var ipv4 = IpVersion == 4;
        var communityId = CommunityId.Compute(ipv4, client, server, Protocol, clientPort, serverPort);
        return new FlowIdentity(Id, Protocol, ToAddress(client, ipv4), clientPort, ToAddress(server, ipv4), serverPort, communityId);
    }

    private static IPAddress ToAddress(UInt128 address, bool ipv4)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return ipv4 ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
    }
}
