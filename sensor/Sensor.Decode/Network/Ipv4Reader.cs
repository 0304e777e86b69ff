using System.Buffers.Binary;
using Sensor.Core.Diagnostics;

namespace Sensor.Decode.Network;

/// <summary>IPv4 header (RFC 791 §3.1).</summary>
internal static class Ipv4Reader
{
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |Version|  IHL  |Type of Service|          Total Length         |
    // |         Identification        |Flags|      Fragment Offset    |
    // |  Time to Live |    Protocol   |         Header Checksum       |
    // |                       Source Address                          |
    // |                    Destination Address                        |
    public const int MinHeaderLength = 20;
    private const int TotalLengthOffset = 2;
    private const int IdentificationOffset = 4;
    private const int FlagsOffset = 6;
    private const int TtlOffset = 8;
    private const int ProtocolOffset = 9;
    private const int SourceOffset = 12;
    private const int DestinationOffset = 16;
    private const ushort MoreFragmentsFlag = 0x2000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    /// <summary>Reads the header at <paramref name="offset"/>; returns the transport offset, or -1 with the anomaly set.</summary>
    public static int Read(ReadOnlySpan<byte> frame, int offset, ref DecodedPacket packet, out bool isFragment)
    {
        isFragment = false;
        var ip = frame[offset..];
        if (ip.Length < MinHeaderLength)
        {
            packet.Anomaly = AnomalyKind.Ipv4Truncated;
            return -1;
        }

        if (ip[0] >> 4 != 4)
        {
            packet.Anomaly = AnomalyKind.Ipv4BadVersion;
            return -1;
        }

        var headerLength = (ip[0] & 0x0F) * 4;
        if (headerLength < MinHeaderLength)
        {
            packet.Anomaly = AnomalyKind.Ipv4BadHeaderLength;
            return -1;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[TotalLengthOffset..]);
        if (totalLength == 0 && ip.Length >= headerLength)
        {
            // TCP segmentation offload: captures taken on the sending host show the not-yet-split segment
            // with total length 0 (Wireshark: "assuming TSO"). The captured bytes are the packet.
            totalLength = Math.Min(ip.Length, ushort.MaxValue);
        }

        if (totalLength < headerLength)
        {
            packet.Anomaly = AnomalyKind.Ipv4BadTotalLength;
            return -1;
        }

        if (totalLength > ip.Length || headerLength > ip.Length)
        {
            // Shorter than the header says: cut by snaplen or damaged. Never parse it as complete.
            packet.Anomaly = AnomalyKind.Ipv4Truncated;
            return -1;
        }

        packet.IpVersion = 4;
        packet.NetworkOffset = offset;
        packet.NetworkLength = totalLength; // trailing Ethernet padding is excluded here
        packet.TtlOrHopLimit = ip[TtlOffset];
        packet.Protocol = ip[ProtocolOffset];
        packet.Source = DecodedPacket.MapIpv4(BinaryPrimitives.ReadUInt32BigEndian(ip[SourceOffset..]));
        packet.Destination = DecodedPacket.MapIpv4(BinaryPrimitives.ReadUInt32BigEndian(ip[DestinationOffset..]));

        var flags = BinaryPrimitives.ReadUInt16BigEndian(ip[FlagsOffset..]);
        var fragmentOffset = (flags & FragmentOffsetMask) * 8;
        if (fragmentOffset != 0 || (flags & MoreFragmentsFlag) != 0)
        {
            isFragment = true;
            packet.FragmentId = BinaryPrimitives.ReadUInt16BigEndian(ip[IdentificationOffset..]);
            packet.FragmentOffset = fragmentOffset;
            packet.MoreFragments = (flags & MoreFragmentsFlag) != 0;
            packet.FragmentDataOffset = offset + headerLength;
            packet.FragmentDataLength = totalLength - headerLength;
        }

        return offset + headerLength;
    }
}
