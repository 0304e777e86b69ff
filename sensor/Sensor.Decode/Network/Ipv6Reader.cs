using System.Buffers.Binary;
using Sensor.Core.Diagnostics;

namespace Sensor.Decode.Network;

/// <summary>IPv6 header (RFC 8200 §3) and its extension-header chain (§4).</summary>
internal static class Ipv6Reader
{
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |Version| Traffic Class |           Flow Label                  |
    // |         Payload Length        |  Next Header  |   Hop Limit   |
    // |                     Source Address (16)                       |
    // |                  Destination Address (16)                     |
    public const int HeaderLength = 40;
    private const int PayloadLengthOffset = 4;
    private const int NextHeaderOffset = 6;
    private const int HopLimitOffset = 7;
    private const int SourceOffset = 8;
    private const int DestinationOffset = 24;

    /// <summary>RFC 8200 recommends each header at most once (destination options twice); more is abuse.</summary>
    private const int MaxExtensionHeaders = 8;

    // Fragment header (RFC 8200 §4.5): next(1) reserved(1) offset(13) res(2) M(1) identification(4)
    private const int FragmentHeaderLength = 8;

    public static int Read(ReadOnlySpan<byte> frame, int offset, ref DecodedPacket packet, out bool isFragment)
    {
        isFragment = false;
        var ip = frame[offset..];
        if (ip.Length < HeaderLength)
        {
            packet.Anomaly = AnomalyKind.Ipv6Truncated;
            return -1;
        }

        if (ip[0] >> 4 != 6)
        {
            // Ether type 0x86DD, LINKTYPE_IPV6 or AF_INET6 promise IPv6; anything else would be decoded as garbage addresses.
            packet.Anomaly = AnomalyKind.Ipv6BadVersion;
            return -1;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[PayloadLengthOffset..]);
        if (payloadLength == 0 && ip.Length > HeaderLength && ip[NextHeaderOffset] != IpProtocol.Ipv6NoNext)
        {
            // Segmentation offload on the capturing host (GSO), or a jumbogram: the captured bytes are the packet.
            payloadLength = Math.Min(ip.Length - HeaderLength, ushort.MaxValue);
        }
        if (HeaderLength + payloadLength > ip.Length)
        {
            // Payload length 0 with a Jumbo option is not supported on captured links (MTU < 64 KiB).
            packet.Anomaly = AnomalyKind.Ipv6Truncated;
            return -1;
        }

        packet.IpVersion = 6;
        packet.NetworkOffset = offset;
        packet.NetworkLength = HeaderLength + payloadLength;
        packet.TtlOrHopLimit = ip[HopLimitOffset];
        packet.Source = BinaryPrimitives.ReadUInt128BigEndian(ip[SourceOffset..]);
        packet.Destination = BinaryPrimitives.ReadUInt128BigEndian(ip[DestinationOffset..]);
        return WalkExtensionHeaders(frame[..(offset + packet.NetworkLength)], offset + HeaderLength, ip[NextHeaderOffset], ref packet, out isFragment);
    }

    /// <summary>Follows the extension headers to the upper-layer protocol; sets <c>Protocol</c> and fragment fields.</summary>
    public static int WalkExtensionHeaders(ReadOnlySpan<byte> packetBytes, int position, byte nextHeader, ref DecodedPacket packet, out bool isFragment)
    {
        isFragment = false;
        for (var count = 0; ; count++)
        {
            switch (nextHeader)
            {
                case IpProtocol.HopByHop:
                case IpProtocol.Ipv6Routing:
                case IpProtocol.Ipv6DestinationOptions:
                case IpProtocol.Mobility:
                case IpProtocol.Ah:
                    if (count == MaxExtensionHeaders)
                    {
                        packet.Anomaly = AnomalyKind.Ipv6TooManyExtensionHeaders;
                        return -1;
                    }

                    if (position + 2 > packetBytes.Length)
                    {
                        packet.Anomaly = AnomalyKind.Ipv6BadExtensionHeader;
                        return -1;
                    }

                    // AH counts its length in 4-byte units minus 2; the others in 8-byte units minus 1.
                    var length = nextHeader == IpProtocol.Ah ? (packetBytes[position + 1] + 2) * 4 : (packetBytes[position + 1] + 1) * 8;
                    if (position + length > packetBytes.Length)
                    {
                        packet.Anomaly = AnomalyKind.Ipv6BadExtensionHeader;
                        return -1;
                    }

                    nextHeader = packetBytes[position];
                    position += length;
                    break;

                case IpProtocol.Ipv6Fragment:
                    if (position + FragmentHeaderLength > packetBytes.Length)
                    {
                        packet.Anomaly = AnomalyKind.Ipv6BadExtensionHeader;
                        return -1;
                    }

                    var offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(packetBytes[(position + 2)..]);
                    var fragmentOffset = (offsetAndFlags >> 3) * 8;
                    var more = (offsetAndFlags & 1) != 0;
                    nextHeader = packetBytes[position];
                    position += FragmentHeaderLength;
                    if (fragmentOffset == 0 && !more)
                    {
                        break; // atomic fragment (RFC 6946): not really fragmented
                    }

                    isFragment = true;
                    packet.Protocol = nextHeader;
                    packet.FragmentId = BinaryPrimitives.ReadUInt32BigEndian(packetBytes[(position - 4)..]);
                    packet.FragmentOffset = fragmentOffset;
                    packet.MoreFragments = more;
                    packet.FragmentDataOffset = position;
                    packet.FragmentDataLength = packetBytes.Length - position;
                    return position;

                default:
                    packet.Protocol = nextHeader;
                    return position;
            }
        }
    }
}
