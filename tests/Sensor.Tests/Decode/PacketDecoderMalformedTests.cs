using Sensor.Core.Diagnostics;
using Sensor.Decode;
using Sensor.Decode.Link;
using Sensor.Tests.TestSupport;
using static Sensor.Tests.Decode.PacketDecoderTests;

namespace Sensor.Tests.Decode;

/// <summary>style.md 2.6: every malformed frame is Invalid with a named anomaly, and nothing throws.</summary>
public class PacketDecoderMalformedTests
{
    private static byte[] Ether(byte[] ip) => Frames.Ethernet(Frames.EtherTypeIpv4, ip);

    private static byte[] Ether6(byte[] ip) => Frames.Ethernet(Frames.EtherTypeIpv6, ip);

    private static byte[] Ipv4(byte protocol, byte[] payload) => Frames.Ipv4("10.0.0.1", "10.0.0.2", protocol, payload);

    private static byte[] Ipv6(byte next, byte[] payload) => Frames.Ipv6("2001:db8::1", "2001:db8::2", next, payload);

    private static byte[] With(byte[] bytes, int offset, params byte[] values)
    {
        var copy = (byte[])bytes.Clone();
        values.CopyTo(copy, offset);
        return copy;
    }

    private static byte[] ValidTcp4() => Ether(Ipv4(IpProtocol.Tcp, Frames.Tcp(1000, 80, 1, 2, TcpFlags.Ack, Frames.Payload(10))));

    public static TheoryData<string, LinkType, byte[], AnomalyKind> Cases => new()
    {
        { "ethernet header cut", LinkType.Ethernet, new byte[13], AnomalyKind.LinkTruncated },
        { "vlan tag cut", LinkType.Ethernet, Frames.Ethernet(Frames.TpidVlan, [0x00, 0x01]), AnomalyKind.LinkTruncated },
        { "sll header cut", LinkType.LinuxSll, new byte[15], AnomalyKind.LinkTruncated },
        { "sll2 header cut", LinkType.LinuxSll2, new byte[19], AnomalyKind.LinkTruncated },
        { "null header cut", LinkType.Null, new byte[3], AnomalyKind.LinkTruncated },
        { "loop header cut", LinkType.Loop, new byte[2], AnomalyKind.LinkTruncated },
        { "raw empty", LinkType.Raw, [], AnomalyKind.LinkTruncated },
        { "ipv4 shorter than 20", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, []))[..19]), AnomalyKind.Ipv4Truncated },
        { "ipv4 total length past frame", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, Frames.Payload(30))))[..^1], AnomalyKind.Ipv4Truncated },
        { "ipv4 IHL 4", LinkType.Ethernet, Ether(With(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, [])), 0, 0x44)), AnomalyKind.Ipv4BadHeaderLength },
        { "ipv4 IHL 0", LinkType.Ethernet, Ether(With(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, [])), 0, 0x40)), AnomalyKind.Ipv4BadHeaderLength },
        { "ipv4 total length below IHL", LinkType.Ethernet, Ether(With(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, [])), 2, 0x00, 19)), AnomalyKind.Ipv4BadTotalLength },
        { "ipv4 total length below IHL with options", LinkType.Ethernet, Ether(With(Frames.Ipv4("10.0.0.1", "10.0.0.2", 17, Frames.Udp(1, 2, []), [1, 1, 1, 0]), 2, 0x00, 22)), AnomalyKind.Ipv4BadTotalLength },
        { "ipv4 IHL past total length", LinkType.Ethernet, Ether(With(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, [])), 0, 0x4F)), AnomalyKind.Ipv4BadTotalLength },
        { "ipv4 version 5", LinkType.Ethernet, Ether(With(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, [])), 0, 0x55)), AnomalyKind.Ipv4BadVersion },
        { "tcp shorter than 20", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Tcp, new byte[19])), AnomalyKind.TcpTruncated },
        { "tcp data offset 4", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Tcp, With(Frames.Tcp(1, 2, 3, 4, TcpFlags.Ack), 12, 0x40))), AnomalyKind.TcpBadHeaderLength },
        { "tcp data offset past segment", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Tcp, With(Frames.Tcp(1, 2, 3, 4, TcpFlags.Ack, Frames.Payload(8)), 12, 0x80))), AnomalyKind.TcpBadHeaderLength },
        { "udp shorter than 8", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Udp, new byte[7])), AnomalyKind.UdpTruncated },
        { "udp length below 8", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, Frames.Payload(4), lengthOverride: 7))), AnomalyKind.UdpBadLength },
        { "udp length past ip payload", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, Frames.Payload(4), lengthOverride: 13))), AnomalyKind.UdpBadLength },
        { "icmp shorter than 4", LinkType.Ethernet, Ether(Ipv4(IpProtocol.Icmp, [8, 0, 0])), AnomalyKind.IcmpTruncated },
        { "icmpv6 shorter than 4", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.Icmpv6, [128])), AnomalyKind.IcmpTruncated },
        { "ipv6 shorter than 40", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.Udp, []))[..(14 + 39)], AnomalyKind.Ipv6Truncated },
        { "ipv6 payload length past frame", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.Udp, Frames.Udp(1, 2, Frames.Payload(9))))[..^1], AnomalyKind.Ipv6Truncated },
        { "ipv6 hop-by-hop length past packet", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.HopByHop, With(Frames.OptionsHeader(IpProtocol.Udp, 8), 1, 1))), AnomalyKind.Ipv6BadExtensionHeader },
        { "ipv6 extension header cut at its first byte", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.Ipv6DestinationOptions, [IpProtocol.Udp])), AnomalyKind.Ipv6BadExtensionHeader },
        { "ipv6 routing header cut", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.Ipv6Routing, Frames.RoutingHeader(IpProtocol.Tcp)[..16])), AnomalyKind.Ipv6BadExtensionHeader },
        { "ipv6 fragment header cut", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.Ipv6Fragment, Frames.FragmentHeader(IpProtocol.Udp, 8, true, 1)[..7])), AnomalyKind.Ipv6BadExtensionHeader },
        { "ipv6 nine extension headers", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.HopByHop, Frames.Concat([.. Enumerable.Range(0, 9).Select(_ => Frames.OptionsHeader(IpProtocol.Ipv6DestinationOptions)), Frames.Udp(1, 2, [])]))), AnomalyKind.Ipv6TooManyExtensionHeaders },
        { "ipv6 tcp data offset past segment", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.Tcp, With(Frames.Tcp(1, 2, 3, 4, TcpFlags.Ack), 12, 0xF0))), AnomalyKind.TcpBadHeaderLength },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_MalformedFrame_InvalidWithNamedAnomaly(string name, LinkType linkType, byte[] frame, AnomalyKind expected)
    {
        var status = DecodeFrame(linkType, frame, out var p);

        Assert.True(status == DecodeStatus.Invalid, $"{name}: {status}");
        Assert.Equal(expected, p.Anomaly);
    }

    public static TheoryData<string, LinkType, byte[]> ValidFrames => new()
    {
        { "ethernet ipv4 tcp", LinkType.Ethernet, ValidTcp4() },
        { "qinq ipv4 udp", LinkType.Ethernet, Frames.Ethernet(Frames.EtherTypeIpv4, Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, Frames.Payload(6))), (Frames.TpidQinQ, 1), (Frames.TpidVlan, 2)) },
        { "ipv4 options icmp", LinkType.Ethernet, Ether(Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Icmp, Frames.Icmp(8, 0), [0x94, 4, 0, 0])) },
        { "ipv6 extension headers tcp", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.HopByHop, Frames.Concat(Frames.OptionsHeader(IpProtocol.Ipv6Routing), Frames.RoutingHeader(IpProtocol.Tcp), Frames.Tcp(1, 2, 3, 4, TcpFlags.Syn, options: [2, 4, 5, 0xB4])))) },
        { "ipv6 fragment", LinkType.Ethernet, Ether6(Ipv6(IpProtocol.Ipv6Fragment, Frames.Concat(Frames.FragmentHeader(IpProtocol.Udp, 0, true, 9), Frames.Payload(16)))) },
        { "ipv4 fragment", LinkType.Ethernet, Ether(Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Udp, Frames.Payload(16), moreFragments: true)) },
        { "sll ipv6 icmpv6", LinkType.LinuxSll, Frames.LinuxSll(Frames.EtherTypeIpv6, Ipv6(IpProtocol.Icmpv6, Frames.Icmp(128, 0))) },
        { "sll2 ipv4 udp", LinkType.LinuxSll2, Frames.LinuxSll2(Frames.EtherTypeIpv4, Ipv4(IpProtocol.Udp, Frames.Udp(1, 2, Frames.Payload(3)))) },
        { "null ipv6 udp", LinkType.Null, Frames.Loopback(30, false, Ipv6(IpProtocol.Udp, Frames.Udp(1, 2, Frames.Payload(3)))) },
        { "raw ipv4 tcp", LinkType.Raw, Ipv4(IpProtocol.Tcp, Frames.Tcp(1, 2, 3, 4, TcpFlags.Ack, Frames.Payload(4))) },
        { "ipv6 link tcp", LinkType.Ipv6, Ipv6(IpProtocol.Tcp, Frames.Tcp(1, 2, 3, 4, TcpFlags.Ack, Frames.Payload(4))) },
        { "packetdotnet ipv4 tcp", LinkType.Ethernet, PacketDotNetIpv4Tcp(Frames.Payload(20)) },
    };

    [Theory]
    [MemberData(nameof(ValidFrames))]
    public void Decode_EveryStrictPrefixOfValidFrame_InvalidAndNeverThrows(string name, LinkType linkType, byte[] frame)
    {
        var full = DecodeFrame(linkType, frame, out _);
        Assert.True(full is DecodeStatus.Ok or DecodeStatus.Fragment, $"{name}: the whole frame is {full}");

        for (var length = 0; length < frame.Length; length++)
        {
            // Every frame above has no trailing padding, so each strict prefix cuts a header or the IP payload.
            var status = DecodeFrame(linkType, frame[..length], out var p);
            Assert.True(status == DecodeStatus.Invalid, $"{name}, prefix {length}: {status}");
            Assert.True(Enum.IsDefined(p.Anomaly));
            Assert.True(AnomalyNames.Layer(p.Anomaly) is "decode" or "ipv4" or "ipv6" or "tcp" or "udp" or "icmp", $"{name}, prefix {length}: {p.Anomaly}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidFrames))]
    public void Decode_RandomByteDamage_NeverThrowsAndOffsetsStayInFrame(string name, LinkType linkType, byte[] frame)
    {
        var random = new Random(name.Length * 7919);
        for (var round = 0; round < 2000; round++)
        {
            var damaged = (byte[])frame.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            var status = DecodeFrame(linkType, damaged, out var p);
            switch (status)
            {
                case DecodeStatus.Ok:
                    Assert.InRange(p.NetworkOffset + p.NetworkLength, 0, damaged.Length);
                    Assert.InRange(p.PayloadOffset, p.NetworkOffset, p.NetworkOffset + p.NetworkLength);
                    Assert.InRange(p.PayloadOffset + p.PayloadLength, p.PayloadOffset, p.NetworkOffset + p.NetworkLength);
                    break;
                case DecodeStatus.Fragment:
                    Assert.InRange(p.FragmentDataOffset, p.NetworkOffset, damaged.Length);
                    Assert.InRange(p.FragmentDataOffset + p.FragmentDataLength, p.FragmentDataOffset, p.NetworkOffset + p.NetworkLength);
                    break;
            }
        }
    }
}
