using System.Buffers.Binary;
using Sensor.Core.Diagnostics;

namespace Sensor.Decode.Transport;

/// <summary>TCP (RFC 9293 §3.1), UDP (RFC 768), SCTP common header (RFC 9260 §3.1) and ICMP/ICMPv6 type and code.</summary>
internal static class TransportReader
{
    // TCP: sport(2) dport(2) seq(4) ack(4) offset(4 bits)+reserved(4) flags(1) window(2) checksum(2) urgent(2) [options]
    private const int TcpMinHeaderLength = 20;
    private const int TcpSequenceOffset = 4;
    private const int TcpAckOffset = 8;
    private const int TcpDataOffsetOffset = 12;
    private const int TcpFlagsOffset = 13;
    private const int TcpWindowOffset = 14;

    // UDP: sport(2) dport(2) length(2) checksum(2)
    private const int UdpHeaderLength = 8;
    private const int UdpLengthOffset = 4;

    // SCTP common header: sport(2) dport(2) verification tag(4) checksum(4)
    private const int SctpHeaderLength = 12;

    /// <summary>
    /// Reads the transport header of <paramref name="protocol"/> in <paramref name="segment"/> (exactly the IP payload,
    /// located at <paramref name="baseOffset"/> of the buffer the caller holds). Returns false with the anomaly set.
    /// </summary>
    public static bool Read(byte protocol, ReadOnlySpan<byte> segment, int baseOffset, ref DecodedPacket packet)
    {
        switch (protocol)
        {
            case IpProtocol.Tcp:
                if (segment.Length < TcpMinHeaderLength)
                {
                    packet.Anomaly = AnomalyKind.TcpTruncated;
                    return false;
                }

                var headerLength = (segment[TcpDataOffsetOffset] >> 4) * 4;
                if (headerLength < TcpMinHeaderLength || headerLength > segment.Length)
                {
                    packet.Anomaly = AnomalyKind.TcpBadHeaderLength;
                    return false;
                }

                packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment);
                packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
                packet.Sequence = BinaryPrimitives.ReadUInt32BigEndian(segment[TcpSequenceOffset..]);
                packet.Acknowledgment = BinaryPrimitives.ReadUInt32BigEndian(segment[TcpAckOffset..]);
                packet.TcpFlags = (TcpFlags)segment[TcpFlagsOffset];
                packet.Window = BinaryPrimitives.ReadUInt16BigEndian(segment[TcpWindowOffset..]);
                packet.PayloadOffset = baseOffset + headerLength;
                packet.PayloadLength = segment.Length - headerLength;
                return true;

            case IpProtocol.Udp:
                if (segment.Length < UdpHeaderLength)
                {
                    packet.Anomaly = AnomalyKind.UdpTruncated;
                    return false;
                }

                int udpLength = BinaryPrimitives.ReadUInt16BigEndian(segment[UdpLengthOffset..]);
                if (udpLength < UdpHeaderLength || udpLength > segment.Length)
                {
                    packet.Anomaly = AnomalyKind.UdpBadLength;
                    return false;
                }

                packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment);
                packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
                packet.PayloadOffset = baseOffset + UdpHeaderLength;
                packet.PayloadLength = udpLength - UdpHeaderLength;
                return true;

            case IpProtocol.Icmp:
            case IpProtocol.Icmpv6:
                if (segment.Length < 4)
                {
                    packet.Anomaly = AnomalyKind.IcmpTruncated;
                    return false;
                }

                // Type and code sit in the port slots, as Community ID and Zeek do.
                packet.SourcePort = segment[0];
                packet.DestinationPort = segment[1];
                packet.PayloadOffset = baseOffset + 4;
                packet.PayloadLength = segment.Length - 4;
                return true;

            case IpProtocol.Sctp:
                if (segment.Length >= SctpHeaderLength)
                {
                    packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
                }

                packet.PayloadOffset = baseOffset + Math.Min(SctpHeaderLength, segment.Length);
                packet.PayloadLength = Math.Max(0, segment.Length - SctpHeaderLength);
                return true;

            default:
                packet.PayloadOffset = baseOffset;
                packet.PayloadLength = segment.Length;
                return true;
        }
    }
}
