using BenchmarkDotNet.Attributes;
using Sensor.Core.Diagnostics;
using Sensor.Decode;
using Sensor.Flows;

namespace Sensor.Benchmarks.Flows;

/// <summary>
/// <see cref="FlowTable.OnPacket"/> over packets decoded in setup: the per-packet update of flows that exist
/// (key, lookup, counters, LRU touch, reassembler) and the cost of creating flows.
/// </summary>
public class FlowTableBenchmarks
{
    private const int Packets = 2615; // decodable frames in all.pcap; checked in GlobalSetup
    private const int NewFlows = 4096;
    private const long NowMicros = 1_000_000;

    private DecodedPacket[] _packets = [];
    private ReadOnlyMemory<byte>[] _buffers = [];
    private DecodedPacket[] _syns = [];
    private FlowTable _table = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_packets, _buffers) = BenchmarkData.DecodedPackets();
        if (_packets.Length != Packets)
        {
            throw new InvalidOperationException($"all.pcap decodes to {_packets.Length} packets, expected {Packets}: update Packets");
        }

        // Only ACK, so replaying the capture never closes a flow (FIN, RST) or reopens one (SYN on a closed flow):
        // every packet after the warm-up pass below is a lookup of a flow that exists.
        for (var i = 0; i < _packets.Length; i++)
        {
            if (_packets[i].IsTcp)
            {
                _packets[i].TcpFlags = TcpFlags.Ack;
            }
        }

        _table = NewTable();
        LookupExisting();

        _syns = new DecodedPacket[NewFlows];
        for (var i = 0; i < NewFlows; i++)
        {
            _syns[i] = new DecodedPacket
            {
                IpVersion = 4,
                Protocol = IpProtocol.Tcp,
                Source = DecodedPacket.MapIpv4(0x7F00_0001),
                Destination = DecodedPacket.MapIpv4(0x7F0A_0000 + (uint)(i / 1024)),
                SourcePort = (ushort)(32768 + (i % 1024)),
                DestinationPort = 443,
                TcpFlags = TcpFlags.Syn,
                Sequence = (uint)i * 7919,
            };
        }
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public int LookupExisting()
    {
        var table = _table;
        var packets = _packets;
        var buffers = _buffers;
        for (var i = 0; i < packets.Length; i++)
        {
            table.OnPacket(packets[i], buffers[i], buffers[i].Length, NowMicros);
        }

        return table.Count;
    }

    /// <summary>A SYN of a new TCP flow each; includes the table's growth from empty, as at sensor start.</summary>
    [Benchmark(OperationsPerInvoke = NewFlows)]
    public int CreateFlows()
    {
        var table = NewTable();
        foreach (var syn in _syns)
        {
            table.OnPacket(syn, ReadOnlyMemory<byte>.Empty, 74, NowMicros);
        }

        return table.Count;
    }

    private static FlowTable NewTable()
    {
        var counters = new SensorCounters();
        return new FlowTable(new FlowTableOptions(), NullEventSink.Instance, new AnomalyReporter(NullEventSink.Instance, counters), counters);
    }
}
