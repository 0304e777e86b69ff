using BenchmarkDotNet.Attributes;
using PacketDotNet;
using Sensor.Decode;
using Sensor.Decode.Link;

namespace Sensor.Benchmarks.Decode;

/// <summary>
/// The PacketDotNet question (style.md 2.8): the TCP frames of all.pcap decoded to ports and payload length by
/// our <see cref="PacketDecoder"/> (baseline) and by <c>Packet.ParsePacket</c>. Per frame.
/// </summary>
public class EthernetIpTcpDecodeBenchmarks
{
    private const int Frames = 2147; // TCP frames in all.pcap; checked in GlobalSetup

    private byte[][] _frames = [];

    [GlobalSetup]
    public void Setup()
    {
        _frames = BenchmarkData.TcpFrames();
        if (_frames.Length != Frames)
        {
            throw new InvalidOperationException($"all.pcap has {_frames.Length} TCP frames, expected {Frames}: update Frames");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public long SensorPacketDecoder()
    {
        long sum = 0;
        var packet = default(DecodedPacket);
        foreach (var frame in _frames)
        {
            if (PacketDecoder.Decode(LinkType.Ethernet, frame, ref packet) == DecodeStatus.Ok)
            {
                sum += packet.SourcePort + packet.DestinationPort + packet.PayloadLength;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long PacketDotNetParsePacket()
    {
        long sum = 0;
        foreach (var frame in _frames)
        {
            // PayloadDataSegment is a view; PayloadData would add a copy PacketDotNet does not need to make.
            if (Packet.ParsePacket(LinkLayers.Ethernet, frame).Extract<TcpPacket>() is { } tcp)
            {
                sum += tcp.SourcePort + tcp.DestinationPort + (tcp.PayloadDataSegment?.Length ?? 0);
            }
        }

        return sum;
    }
}
