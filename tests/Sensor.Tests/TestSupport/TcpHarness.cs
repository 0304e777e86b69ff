using Sensor.Core.Diagnostics;
using Sensor.Core.Streams;
using Sensor.Decode;
using Sensor.Flows;

namespace Sensor.Tests.TestSupport;

/// <summary>
/// Drives a <see cref="FlowTable"/> with hand-made <see cref="DecodedPacket"/> values for one TCP connection
/// (client 10.0.0.1:ClientPort, server 10.0.0.2:ServerPort) and records events and stream bytes.
/// </summary>
internal sealed class TcpHarness
{
    public const uint ClientIsn = 1_000_000;
    public const uint ServerIsn = 7_000_000;

    public static readonly UInt128 ClientAddress = DecodedPacket.MapIpv4(0x0A00_0001);
    public static readonly UInt128 ServerAddress = DecodedPacket.MapIpv4(0x0A00_0002);

    public TcpHarness(FlowTableOptions? options = null, RecordingConsumerFactory? factory = null)
    {
        Options = options ?? new FlowTableOptions();
        Factory = factory ?? new RecordingConsumerFactory();
        Anomalies = new AnomalyReporter(Sink, Counters);
        Table = new FlowTable(Options, Sink, Anomalies, Counters, Factory);
    }

    public FlowTableOptions Options { get; }

    public RecordingSink Sink { get; } = new();

    public SensorCounters Counters { get; } = new();

    public AnomalyReporter Anomalies { get; }

    public FlowTable Table { get; }

    public RecordingConsumerFactory Factory { get; }

    public ushort ClientPort { get; init; } = 40000;

    public ushort ServerPort { get; init; } = 8080;

    public long Now { get; set; } = 1_700_000_000_000_000;

    /// <summary>The consumer of the only TCP flow so far.</summary>
    public RecordingConsumer Consumer => (RecordingConsumer)Assert.Single(Factory.Created);

    public void Send(Direction direction, uint sequence, TcpFlags flags, byte[]? payload = null, uint acknowledgment = 0)
    {
        payload ??= [];
        var toServer = direction == Direction.ToServer;
        var packet = new DecodedPacket
        {
            IpVersion = 4,
            Protocol = IpProtocol.Tcp,
            TtlOrHopLimit = 64,
            Source = toServer ? ClientAddress : ServerAddress,
            Destination = toServer ? ServerAddress : ClientAddress,
            SourcePort = toServer ? ClientPort : ServerPort,
            DestinationPort = toServer ? ServerPort : ClientPort,
            Sequence = sequence,
            Acknowledgment = acknowledgment,
            TcpFlags = flags,
            Window = 65535,
            PayloadOffset = 0,
            PayloadLength = payload.Length,
        };
        Table.OnPacket(packet, payload, 54 + payload.Length, Now);
        Now += 1000;
    }

    public void Handshake(uint clientIsn = ClientIsn, uint serverIsn = ServerIsn)
    {
        Send(Direction.ToServer, clientIsn, TcpFlags.Syn);
        Send(Direction.ToClient, serverIsn, TcpFlags.Syn | TcpFlags.Ack, acknowledgment: clientIsn + 1);
        Send(Direction.ToServer, clientIsn + 1, TcpFlags.Ack, acknowledgment: serverIsn + 1);
    }

    /// <summary>Client bytes at stream offset <paramref name="offset"/> (0 = first byte after the SYN).</summary>
    public void ClientData(int offset, byte[] bytes, TcpFlags extra = TcpFlags.None, uint clientIsn = ClientIsn, uint serverIsn = ServerIsn) =>
        Send(Direction.ToServer, clientIsn + 1 + (uint)offset, TcpFlags.Ack | TcpFlags.Psh | extra, bytes, serverIsn + 1);

    public void ServerData(int offset, byte[] bytes, TcpFlags extra = TcpFlags.None, uint clientIsn = ClientIsn, uint serverIsn = ServerIsn) =>
        Send(Direction.ToClient, serverIsn + 1 + (uint)offset, TcpFlags.Ack | TcpFlags.Psh | extra, bytes, clientIsn + 1);

    /// <summary>The server acknowledges client bytes up to stream offset <paramref name="clientOffset"/>.</summary>
    public void ServerAck(int clientOffset, int serverOffset = 0) =>
        Send(Direction.ToClient, ServerIsn + 1 + (uint)serverOffset, TcpFlags.Ack, [], ClientIsn + 1 + (uint)clientOffset);

    public void ClientFin(int offset) => Send(Direction.ToServer, ClientIsn + 1 + (uint)offset, TcpFlags.Fin | TcpFlags.Ack, [], ServerIsn + 1);

    public void ServerFin(int offset) => Send(Direction.ToClient, ServerIsn + 1 + (uint)offset, TcpFlags.Fin | TcpFlags.Ack, [], ClientIsn + 1);

    public void Flush() => Table.Flush(Now);
}
