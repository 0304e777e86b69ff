using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using Sensor.Core.Diagnostics;
using Sensor.Decode;
using Sensor.Decode.Link;
using Sensor.Tests.TestSupport;
using IpProtocol = Sensor.Decode.IpProtocol;
using TcpFlags = Sensor.Decode.TcpFlags;

namespace Sensor.Tests.Decode;

public class PacketDecoderTests
{
    private static readonly PhysicalAddress s_macA = new(Frames.MacA);
    private static readonly PhysicalAddress s_macB = new(Frames.MacB);

    internal static DecodeStatus DecodeFrame(LinkType linkType, byte[] frame, out DecodedPacket packet)
    {
        packet = default;
        return PacketDecoder.Decode(linkType, frame, ref packet);
    }

    internal static UInt128 Address(string text)
    {
        var address = IPAddress.Parse(text);
        var bytes = address.GetAddressBytes();
        return bytes.Length == 4
            ? DecodedPacket.MapIpv4(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    internal static byte[] PacketDotNetIpv4Tcp(byte[] payload)
    {
        var tcp = new TcpPacket(49152, 443)
        {
            SequenceNumber = 0xDEADBEEF,
            AcknowledgmentNumber = 0x01020304,
            WindowSize = 29200,
            Acknowledgment = true,
            Push = true,
            PayloadData = payload,
        };
        var ip = new IPv4Packet(IPAddress.Parse("192.168.1.10"), IPAddress.Parse("93.184.216.34")) { TimeToLive = 57, PayloadPacket = tcp };
        var ethernet = new EthernetPacket(s_macA, s_macB, EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        tcp.UpdateCalculatedValues();
        return ethernet.Bytes;
    }

    [Fact]
    public void Decode_EthernetIpv4TcpBuiltByPacketDotNet_FieldsMatch()
    {
        var payload = Frames.Payload(100, 3);
        var frame = PacketDotNetIpv4Tcp(payload);

        var status = DecodeFrame(LinkType.Ethernet, frame, out var p);

        Assert.Equal(DecodeStatus.Ok, status);
        Assert.Equal(4, p.IpVersion);
        Assert.Equal(IpProtocol.Tcp, p.Protocol);
        Assert.True(p.IsTcp);
        Assert.Equal(57, p.TtlOrHopLimit);
        Assert.Equal(Address("192.168.1.10"), p.Source);
        Assert.Equal(Address("93.184.216.34"), p.Destination);
        Assert.True(DecodedPacket.IsMappedIpv4(p.Source));
        Assert.Equal(49152, p.SourcePort);
        Assert.Equal(443, p.DestinationPort);
        Assert.Equal(0xDEADBEEFu, p.Sequence);
        Assert.Equal(0x01020304u, p.Acknowledgment);
        Assert.Equal(29200, p.Window);
        Assert.Equal(TcpFlags.Ack | TcpFlags.Psh, p.TcpFlags);
        Assert.Equal(14, p.NetworkOffset);
        Assert.Equal(20 + 20 + 100, p.NetworkLength);
        Assert.Equal(54, p.PayloadOffset);
        Assert.Equal(payload, frame.AsSpan(p.PayloadOffset, p.PayloadLength).ToArray());
        Assert.Equal(0, p.VlanCount);
    }

    [Fact]
    public void Decode_EthernetIpv6UdpBuiltByPacketDotNet_FieldsMatch()
    {
        var payload = Frames.Payload(33, 4);
        var udp = new UdpPacket(5353, 53) { PayloadData = payload };
        var ip = new IPv6Packet(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8:ffff::53")) { HopLimit = 9, PayloadPacket = udp };
        var ethernet = new EthernetPacket(s_macA, s_macB, EthernetType.IPv6) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        udp.UpdateCalculatedValues();
        var frame = ethernet.Bytes;

        var status = DecodeFrame(LinkType.Ethernet, frame, out var p);

        Assert.Equal(DecodeStatus.Ok, status);
        Assert.Equal(6, p.IpVersion);
        Assert.Equal(IpProtocol.Udp, p.Protocol);
        Assert.Equal(9, p.TtlOrHopLimit);
        Assert.Equal(Address("2001:db8::1"), p.Source);
        Assert.Equal(Address("2001:db8:ffff::53"), p.Destination);
        Assert.False(DecodedPacket.IsMappedIpv4(p.Source));
        Assert.Equal(5353, p.SourcePort);
        Assert.Equal(53, p.DestinationPort);
        Assert.Equal(payload, frame.AsSpan(p.PayloadOffset, p.PayloadLength).ToArray());
        Assert.Equal(40 + 8 + 33, p.NetworkLength);
    }

    [Fact]
    public void Decode_ArpBuiltByPacketDotNet_NotIp()
    {
        var arp = new ArpPacket(ArpOperation.Request, PhysicalAddress.Parse("00-00-00-00-00-00"), IPAddress.Parse("10.0.0.2"), s_macA, IPAddress.Parse("10.0.0.1"));
        var frame = new EthernetPacket(s_macA, PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF"), EthernetType.Arp) { PayloadPacket = arp }.Bytes;

        Assert.Equal(DecodeStatus.NotIp, DecodeFrame(LinkType.Ethernet, frame, out _));
    }

    [Fact]
    public void Decode_IcmpEchoRequest_TypeAndCodeInPortSlots()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Icmp, Frames.Icmp(8, 0, Frames.Payload(12))));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(IpProtocol.Icmp, p.Protocol);
        Assert.Equal(8, p.SourcePort);
        Assert.Equal(0, p.DestinationPort);
        Assert.Equal(14 + 20 + 4, p.PayloadOffset);
        Assert.Equal(12, p.PayloadLength);
    }

    [Fact]
    public void Decode_Icmpv6DestinationUnreachable_TypeAndCodeInPortSlots()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", IpProtocol.Icmpv6, Frames.Icmp(1, 4)));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(IpProtocol.Icmpv6, p.Protocol);
        Assert.Equal(1, p.SourcePort);
        Assert.Equal(4, p.DestinationPort);
    }

    [Fact]
    public void Decode_TcpWithOptionsAndAllFlags_PayloadAfterOptions()
    {
        byte[] options = [2, 4, 0x05, 0xB4, 1, 1, 4, 2]; // MSS 1460, NOP, NOP, SACK permitted
        var all = TcpFlags.Fin | TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Psh | TcpFlags.Ack | TcpFlags.Urg | TcpFlags.Ece | TcpFlags.Cwr;
        var tcp = Frames.Tcp(1, 2, 3, 4, all, Frames.Payload(5), window: 7, options: options);
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Tcp, tcp));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(all, p.TcpFlags);
        Assert.True(p.HasFlag(TcpFlags.Cwr));
        Assert.Equal(14 + 20 + 28, p.PayloadOffset);
        Assert.Equal(5, p.PayloadLength);
        Assert.Equal(7, p.Window);
    }

    [Fact]
    public void Decode_UdpLengthShorterThanIpPayload_PayloadFromUdpLength()
    {
        var udp = Frames.Udp(1, 2, Frames.Payload(20), lengthOverride: 8 + 12);
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Udp, udp));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(12, p.PayloadLength);
    }

    [Fact]
    public void Decode_EthernetPadding_NetworkLengthFromIpHeader()
    {
        var ip = Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Tcp, Frames.Tcp(1, 2, 3, 4, TcpFlags.Ack));
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Concat(ip, new byte[6])); // 60-byte minimum frame

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(40, p.NetworkLength);
        Assert.Equal(0, p.PayloadLength);
    }

    [Fact]
    public void Decode_Ipv4WithOptions_TransportAfterOptions()
    {
        byte[] options = [0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00]; // Router Alert, NOP, NOP, NOP, End of options
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Udp, Frames.Udp(7, 9, Frames.Payload(3)), options));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(7, p.SourcePort);
        Assert.Equal(9, p.DestinationPort);
        Assert.Equal(14 + 28 + 8, p.PayloadOffset);
        Assert.Equal(3, p.PayloadLength);
    }

    [Fact]
    public void Decode_OtherIpProtocol_OkWithWholePayload()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 47, Frames.Payload(24))); // GRE

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(47, p.Protocol);
        Assert.Equal(0, p.SourcePort);
        Assert.Equal(34, p.PayloadOffset);
        Assert.Equal(24, p.PayloadLength);
    }

    private static byte[] Ipv4Udp() => Frames.Ipv4("10.1.1.1", "10.2.2.2", IpProtocol.Udp, Frames.Udp(1234, 53, Frames.Payload(10)));

    private static byte[] Ipv6Tcp() => Frames.Ipv6("2001:db8::a", "2001:db8::b", IpProtocol.Tcp, Frames.Tcp(5555, 80, 1, 0, TcpFlags.Syn));

    [Fact]
    public void Decode_Vlan8021Q_SetsVlanIdAndCount()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Ipv4Udp(), (Frames.TpidVlan, 100));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(100, p.VlanId);
        Assert.Equal(1, p.VlanCount);
        Assert.Equal(18, p.NetworkOffset);
        Assert.Equal(1234, p.SourcePort);
    }

    [Theory]
    [InlineData(Frames.TpidQinQ)]
    [InlineData((ushort)0x9100)]
    [InlineData(Frames.TpidVlan)]
    public void Decode_QinQ_VlanIdIsOuterTag(ushort outerTpid)
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv6, Ipv6Tcp(), (outerTpid, 200), (Frames.TpidVlan, 300));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(200, p.VlanId);
        Assert.Equal(2, p.VlanCount);
        Assert.Equal(22, p.NetworkOffset);
        Assert.Equal(80, p.DestinationPort);
    }

    [Fact]
    public void Decode_ThreeVlanTags_Tolerated()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Ipv4Udp(), (Frames.TpidQinQ, 1), (Frames.TpidVlan, 2), (Frames.TpidVlan, 3));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(1, p.VlanId);
        Assert.Equal(3, p.VlanCount);
    }

    [Fact]
    public void Decode_FourVlanTags_InvalidTooManyVlanTags()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Ipv4Udp(), (Frames.TpidQinQ, 1), (Frames.TpidVlan, 2), (Frames.TpidVlan, 3), (Frames.TpidVlan, 4));

        Assert.Equal(DecodeStatus.Invalid, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(AnomalyKind.TooManyVlanTags, p.Anomaly);
    }

    [Fact]
    public void Decode_VlanTaggedArp_NotIpWithVlan()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeArp, new byte[28], (Frames.TpidVlan, 5));

        Assert.Equal(DecodeStatus.NotIp, DecodeFrame(LinkType.Ethernet, frame, out var p));
        Assert.Equal(5, p.VlanId);
    }

    [Fact]
    public void Decode_LinuxSll_Ipv4()
    {
        var frame = Frames.LinuxSll(Frames.EtherTypeIpv4, Ipv4Udp());

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.LinuxSll, frame, out var p));

        Assert.Equal(16, p.NetworkOffset);
        Assert.Equal(Address("10.1.1.1"), p.Source);
        Assert.Equal(53, p.DestinationPort);
    }

    [Fact]
    public void Decode_LinuxSllWithVlanProtocol_SkipsTag()
    {
        var frame = Frames.LinuxSll(Frames.TpidVlan, Frames.Concat([0x00, 0x2A, 0x08, 0x00], Ipv4Udp()));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.LinuxSll, frame, out var p));

        Assert.Equal(42, p.VlanId);
        Assert.Equal(20, p.NetworkOffset);
    }

    [Fact]
    public void Decode_LinuxSll2_Ipv6()
    {
        var frame = Frames.LinuxSll2(Frames.EtherTypeIpv6, Ipv6Tcp());

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.LinuxSll2, frame, out var p));

        Assert.Equal(20, p.NetworkOffset);
        Assert.Equal(6, p.IpVersion);
        Assert.Equal(Address("2001:db8::b"), p.Destination);
        Assert.Equal(TcpFlags.Syn, p.TcpFlags);
    }

    [Theory]
    [InlineData(LinkType.Raw)]
    [InlineData(LinkType.RawBsd12)]
    [InlineData(LinkType.RawBsd14)]
    public void Decode_RawIp_VersionNibbleDecides(LinkType linkType)
    {
        Assert.Equal(DecodeStatus.Ok, DecodeFrame(linkType, Ipv4Udp(), out var v4));
        Assert.Equal(DecodeStatus.Ok, DecodeFrame(linkType, Ipv6Tcp(), out var v6));

        Assert.Equal(4, v4.IpVersion);
        Assert.Equal(0, v4.NetworkOffset);
        Assert.Equal(6, v6.IpVersion);
        Assert.Equal(0, v6.NetworkOffset);
    }

    [Fact]
    public void Decode_RawWithUnknownVersion_NotIp()
    {
        var frame = Ipv4Udp();
        frame[0] = 0x55;

        Assert.Equal(DecodeStatus.NotIp, DecodeFrame(LinkType.Raw, frame, out _));
    }

    [Fact]
    public void Decode_LinkTypeIpv4And228_Ipv4()
    {
        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ipv4, Ipv4Udp(), out var p));
        Assert.Equal(4, p.IpVersion);
        Assert.Equal(1234, p.SourcePort);
        Assert.Equal(LinkType.Ipv4, (LinkType)228);
    }

    [Fact]
    public void Decode_LinkTypeIpv6And229_Ipv6()
    {
        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ipv6, Ipv6Tcp(), out var p));
        Assert.Equal(6, p.IpVersion);
        Assert.Equal(5555, p.SourcePort);
        Assert.Equal(LinkType.Ipv6, (LinkType)229);
    }

    [Fact]
    public void Decode_LinkTypeIpv4CarryingIpv6_InvalidBadVersion()
    {
        Assert.Equal(DecodeStatus.Invalid, DecodeFrame(LinkType.Ipv4, Ipv6Tcp(), out var p));
        Assert.Equal(AnomalyKind.Ipv4BadVersion, p.Anomaly);
    }

    [Fact]
    public void Decode_LinkTypeIpv6CarryingIpv4_InvalidBadVersion()
    {
        // Read as IPv6, this IPv4 header has payload length 0 (its id) and next header 0x40: it must not become a flow.
        var ipv4 = Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Udp, Frames.Udp(1, 2, Frames.Payload(20)), id: 0, dontFragment: true);

        Assert.Equal(DecodeStatus.Invalid, DecodeFrame(LinkType.Ipv6, ipv4, out var p));
        Assert.Equal(AnomalyKind.Ipv6BadVersion, p.Anomaly);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x40)]
    [InlineData(0x70)]
    [InlineData(0xF0)]
    public void Decode_EthernetIpv6TypeWithOtherVersionNibble_InvalidBadVersion(byte first)
    {
        var ip = Ipv6Tcp();
        ip[0] = (byte)(first | (ip[0] & 0x0F));

        Assert.Equal(DecodeStatus.Invalid, DecodeFrame(LinkType.Ethernet, Frames.Ethernet(Frames.EtherTypeIpv6, ip), out var p));
        Assert.Equal(AnomalyKind.Ipv6BadVersion, p.Anomaly);
    }

    [Theory]
    [InlineData(2u, false, 4)]
    [InlineData(2u, true, 4)]
    [InlineData(24u, false, 6)]
    [InlineData(28u, false, 6)]
    [InlineData(30u, false, 6)]
    [InlineData(30u, true, 6)]
    public void Decode_BsdNullEitherByteOrder_AddressFamilyDecides(uint family, bool bigEndian, int expectedVersion)
    {
        var frame = Frames.Loopback(family, bigEndian, expectedVersion == 4 ? Ipv4Udp() : Ipv6Tcp());

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Null, frame, out var p));

        Assert.Equal(expectedVersion, p.IpVersion);
        Assert.Equal(4, p.NetworkOffset);
    }

    [Theory]
    [InlineData(2u, 4)]
    [InlineData(24u, 6)]
    [InlineData(28u, 6)]
    [InlineData(30u, 6)]
    public void Decode_OpenBsdLoop_NetworkByteOrderFamily(uint family, int expectedVersion)
    {
        var frame = Frames.Loopback(family, bigEndian: true, expectedVersion == 4 ? Ipv4Udp() : Ipv6Tcp());

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Loop, frame, out var p));

        Assert.Equal(expectedVersion, p.IpVersion);
    }

    [Fact]
    public void Decode_LoopWithHostOrderFamily_NotIp()
    {
        // DLT_LOOP is always network order: a little-endian 2 is 0x02000000, not AF_INET.
        var frame = Frames.Loopback(2, bigEndian: false, Ipv4Udp());

        Assert.Equal(DecodeStatus.NotIp, DecodeFrame(LinkType.Loop, frame, out _));
    }

    [Fact]
    public void Decode_NullWithUnknownFamily_NotIp()
    {
        Assert.Equal(DecodeStatus.NotIp, DecodeFrame(LinkType.Null, Frames.Loopback(7, false, Ipv4Udp()), out _));
    }

    [Fact]
    public void Decode_UnknownLinkType_UnsupportedLink()
    {
        Assert.Equal(DecodeStatus.UnsupportedLink, DecodeFrame((LinkType)147, Ipv4Udp(), out _));
    }

    [Fact]
    public void Decode_Ipv6HopByHopDestinationRouting_ReachesTcp()
    {
        var tcp = Frames.Tcp(40000, 443, 10, 20, TcpFlags.Ack, Frames.Payload(9));
        var chain = Frames.Concat(
            Frames.OptionsHeader(IpProtocol.Ipv6DestinationOptions, 8),
            Frames.OptionsHeader(IpProtocol.Ipv6Routing, 16),
            Frames.RoutingHeader(IpProtocol.Ipv6DestinationOptions),
            Frames.OptionsHeader(IpProtocol.Tcp, 8),
            tcp);
        var frame = Frames.Ethernet(Frames.EtherTypeIpv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", IpProtocol.HopByHop, chain));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(IpProtocol.Tcp, p.Protocol);
        Assert.Equal(40000, p.SourcePort);
        Assert.Equal(443, p.DestinationPort);
        Assert.Equal(14 + 40 + 8 + 16 + 24 + 8 + 20, p.PayloadOffset);
        Assert.Equal(9, p.PayloadLength);
    }

    [Fact]
    public void Decode_Ipv6NoNextHeader_OkWithoutTransport()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", IpProtocol.Ipv6NoNext, []));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(IpProtocol.Ipv6NoNext, p.Protocol);
        Assert.Equal(0, p.PayloadLength);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1480, true)]
    [InlineData(2960, false)]
    public void Decode_Ipv4Fragment_FragmentWithIdOffsetAndMoreFlag(int offset, bool more)
    {
        var data = Frames.Payload(64);
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Udp, data, id: 0xBEEF, moreFragments: more, fragmentOffset: offset));

        Assert.Equal(DecodeStatus.Fragment, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(0xBEEFu, p.FragmentId);
        Assert.Equal(offset, p.FragmentOffset);
        Assert.Equal(more, p.MoreFragments);
        Assert.Equal(IpProtocol.Udp, p.Protocol);
        Assert.Equal(34, p.FragmentDataOffset);
        Assert.Equal(data, frame.AsSpan(p.FragmentDataOffset, p.FragmentDataLength).ToArray());
    }

    [Fact]
    public void Decode_Ipv4DontFragment_NotAFragment()
    {
        var frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", IpProtocol.Udp, Frames.Udp(1, 2, []), dontFragment: true));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out _));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1232, true)]
    [InlineData(2464, false)]
    public void Decode_Ipv6Fragment_FragmentWithIdOffsetAndMoreFlag(int offset, bool more)
    {
        var data = Frames.Payload(48);
        var payload = Frames.Concat(Frames.OptionsHeader(IpProtocol.Ipv6Fragment), Frames.FragmentHeader(IpProtocol.Udp, offset, more, 0xCAFEF00D), data);
        var frame = Frames.Ethernet(Frames.EtherTypeIpv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", IpProtocol.HopByHop, payload));

        Assert.Equal(DecodeStatus.Fragment, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(0xCAFEF00Du, p.FragmentId);
        Assert.Equal(offset, p.FragmentOffset);
        Assert.Equal(more, p.MoreFragments);
        Assert.Equal(IpProtocol.Udp, p.Protocol);
        Assert.Equal(14 + 40 + 8 + 8, p.FragmentDataOffset);
        Assert.Equal(data, frame.AsSpan(p.FragmentDataOffset, p.FragmentDataLength).ToArray());
    }

    [Fact]
    public void Decode_Ipv6AtomicFragment_DecodedAsWholePacket()
    {
        var payload = Frames.Concat(Frames.FragmentHeader(IpProtocol.Udp, 0, false, 77), Frames.Udp(1, 2, Frames.Payload(5)));
        var frame = Frames.Ethernet(Frames.EtherTypeIpv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", IpProtocol.Ipv6Fragment, payload));

        Assert.Equal(DecodeStatus.Ok, DecodeFrame(LinkType.Ethernet, frame, out var p));

        Assert.Equal(IpProtocol.Udp, p.Protocol);
        Assert.Equal(5, p.PayloadLength);
    }
}
