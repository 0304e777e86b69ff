using System.Buffers.Binary;
using Sensor.Core.Diagnostics;

namespace Sensor.Decode.Link;

/// <summary>Finds the network-layer packet inside a frame of a given link type.</summary>
internal static class LinkLayer
{
    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeIpv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;
    private const ushort EtherTypeQinQ = 0x88A8;
    private const ushort EtherTypeQinQOld = 0x9100;

    /// <summary>QinQ has two tags; a third is tolerated, more is an evasion or garbage.</summary>
    private const int MaxVlanTags = 3;

    // Ethernet II (IEEE 802.3):
    // +----------------+----------------+-----------+----------------
    // | dst MAC (6)    | src MAC (6)    | type (2)  | [802.1Q: TCI(2) type(2)]... payload
    private const int EthernetHeaderLength = 14;

    // Linux cooked v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2)
    private const int SllHeaderLength = 16;

    // Linux cooked v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
    private const int Sll2HeaderLength = 20;

    /// <summary>
    /// Locates the IP header. Returns the ether type (IPv4/IPv6) or 0 for non-IP frames and
    /// sets <paramref name="offset"/> to the network header. Sets the anomaly and returns -1 on malformed frames.
    /// </summary>
    public static int Locate(LinkType linkType, ReadOnlySpan<byte> frame, ref DecodedPacket packet, out int offset)
    {
        offset = 0;
        switch (linkType)
        {
            case LinkType.Ethernet:
                if (frame.Length < EthernetHeaderLength)
                {
                    return Fail(ref packet);
                }

                offset = EthernetHeaderLength;
                return SkipVlanTags(frame, BinaryPrimitives.ReadUInt16BigEndian(frame[12..]), ref offset, ref packet);

            case LinkType.LinuxSll:
                if (frame.Length < SllHeaderLength)
                {
                    return Fail(ref packet);
                }

                offset = SllHeaderLength;
                return SkipVlanTags(frame, BinaryPrimitives.ReadUInt16BigEndian(frame[14..]), ref offset, ref packet);

            case LinkType.LinuxSll2:
                if (frame.Length < Sll2HeaderLength)
                {
                    return Fail(ref packet);
                }

                offset = Sll2HeaderLength;
                return SkipVlanTags(frame, BinaryPrimitives.ReadUInt16BigEndian(frame), ref offset, ref packet);

            case LinkType.Null:
            case LinkType.Loop:
                if (frame.Length < 4)
                {
                    return Fail(ref packet);
                }

                offset = 4;
                return BsdFamily(frame, linkType == LinkType.Loop);

            case LinkType.Raw:
            case LinkType.RawBsd12:
            case LinkType.RawBsd14:
                return frame.Length == 0 ? Fail(ref packet) : VersionNibble(frame[0]);

            case LinkType.Ipv4:
                return EtherTypeIpv4;

            case LinkType.Ipv6:
                return EtherTypeIpv6;

            default:
                return -2;
        }
    }

    private static int SkipVlanTags(ReadOnlySpan<byte> frame, ushort etherType, ref int offset, ref DecodedPacket packet)
    {
        while (etherType is EtherTypeVlan or EtherTypeQinQ or EtherTypeQinQOld)
        {
            if (packet.VlanCount == MaxVlanTags)
            {
                packet.Anomaly = AnomalyKind.TooManyVlanTags;
                return -1;
            }

            if (frame.Length < offset + 4)
            {
                return Fail(ref packet);
            }

            // TCI: PCP(3) DEI(1) VID(12); keep the outermost VID for the flow key.
            var vid = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]) & 0x0FFF);
            if (packet.VlanCount == 0)
            {
                packet.VlanId = vid;
            }

            packet.VlanCount++;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + 2)..]);
            offset += 4;
        }

        return etherType is EtherTypeIpv4 or EtherTypeIpv6 ? etherType : 0;
    }

    private static int BsdFamily(ReadOnlySpan<byte> frame, bool networkOrder)
    {
        // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
        // DLT_NULL uses the capturing host's byte order, which the file does not record: try both.
        var family = networkOrder ? BinaryPrimitives.ReadUInt32BigEndian(frame) : BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (!networkOrder && family > 0xFFFF)
        {
            family = BinaryPrimitives.ReadUInt32BigEndian(frame);
        }

        return family switch
        {
            2 => EtherTypeIpv4,
            24 or 28 or 30 => EtherTypeIpv6,
            _ => 0,
        };
    }

    private static int VersionNibble(byte first) => (first >> 4) switch
    {
        4 => EtherTypeIpv4,
        6 => EtherTypeIpv6,
        _ => 0,
    };

    private static int Fail(ref DecodedPacket packet)
    {
        packet.Anomaly = AnomalyKind.LinkTruncated;
        return -1;
    }
}
