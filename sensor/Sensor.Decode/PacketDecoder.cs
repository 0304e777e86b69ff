using Sensor.Decode.Link;
using Sensor.Decode.Network;
using Sensor.Decode.Transport;

namespace Sensor.Decode;

/// <summary>
/// Decodes one frame from L2 to L4 into a caller-owned <see cref="DecodedPacket"/>: spans in, offsets out,
/// no allocation, no exception on wire data (style.md 2.5/2.6).
/// </summary>
public static class PacketDecoder
{
    public static DecodeStatus Decode(LinkType linkType, ReadOnlySpan<byte> frame, ref DecodedPacket packet)
    {
        packet = default;
        var etherType = LinkLayer.Locate(linkType, frame, ref packet, out var offset);
        return etherType switch
        {
            -2 => DecodeStatus.UnsupportedLink,
            -1 => DecodeStatus.Invalid,
            LinkLayer.EtherTypeIpv4 => DecodeIp(frame, offset, ipv6: false, ref packet),
            LinkLayer.EtherTypeIpv6 => DecodeIp(frame, offset, ipv6: true, ref packet),
            _ => DecodeStatus.NotIp,
        };
    }

    /// <summary>
    /// Decodes the transport header of a reassembled datagram: <paramref name="payload"/> is the whole
    /// fragmentable part, <c>packet</c> still holds the addresses from the first fragment.
    /// </summary>
    public static DecodeStatus DecodeReassembled(ReadOnlySpan<byte> payload, ref DecodedPacket packet)
    {
        packet.MoreFragments = false;
        packet.FragmentOffset = 0;
        var position = 0;
        if (packet.IpVersion == 6)
        {
            // Extension headers after the fragment header belong to the fragmentable part.
            position = Ipv6Reader.WalkExtensionHeaders(payload, 0, packet.Protocol, ref packet, out var nested);
            if (position < 0 || nested)
            {
                packet.Anomaly = position < 0 ? packet.Anomaly : Core.Diagnostics.AnomalyKind.Ipv6BadExtensionHeader;
                return DecodeStatus.Invalid;
            }
        }

        return TransportReader.Read(packet.Protocol, payload[position..], position, ref packet) ? DecodeStatus.Ok : DecodeStatus.Invalid;
    }

    private static DecodeStatus DecodeIp(ReadOnlySpan<byte> frame, int offset, bool ipv6, ref DecodedPacket packet)
    {
        bool isFragment;
        var transportOffset = ipv6
            ? Ipv6Reader.Read(frame, offset, ref packet, out isFragment)
            : Ipv4Reader.Read(frame, offset, ref packet, out isFragment);
        if (transportOffset < 0)
        {
            return DecodeStatus.Invalid;
        }

        if (isFragment)
        {
            return DecodeStatus.Fragment;
        }

        var end = packet.NetworkOffset + packet.NetworkLength;
        return TransportReader.Read(packet.Protocol, frame[transportOffset..end], transportOffset, ref packet)
            ? DecodeStatus.Ok
            : DecodeStatus.Invalid;
    }
}
