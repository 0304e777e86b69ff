using Sensor.Decode;
using Sensor.Flows.Identity;

namespace Sensor.Flows;

/// <summary>
/// Direction-free 5-tuple (+ outer VLAN): the lower (address, port) endpoint first, so both directions
/// of a flow find the same entry. ICMP uses Community ID's type/counter-type so echo and reply pair up.
/// </summary>
public readonly struct FlowKey : IEquatable<FlowKey>
{
    public readonly UInt128 LowAddress;
    public readonly UInt128 HighAddress;
    public readonly ushort LowPort;
    public readonly ushort HighPort;
    public readonly byte Protocol;
    public readonly ushort VlanId;

    private FlowKey(UInt128 lowAddress, UInt128 highAddress, ushort lowPort, ushort highPort, byte protocol, ushort vlanId)
    {
        LowAddress = lowAddress;
        HighAddress = highAddress;
        LowPort = lowPort;
        HighPort = highPort;
        Protocol = protocol;
        VlanId = vlanId;
    }

    /// <summary>Builds the key of a decoded packet; <paramref name="sourceIsLow"/> says which endpoint sent it.</summary>
    public static FlowKey From(in DecodedPacket packet, out bool sourceIsLow)
    {
        var sourcePort = packet.SourcePort;
        var destinationPort = packet.DestinationPort;
        if (packet.Protocol is IpProtocol.Icmp or IpProtocol.Icmpv6)
        {
            (sourcePort, destinationPort, _) = CommunityId.IcmpPortEquivalents(packet.Protocol, (byte)sourcePort, (byte)destinationPort);
        }
        else if (packet.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.Sctp))
        {
            sourcePort = destinationPort = 0;
        }

        sourceIsLow = packet.Source < packet.Destination || (packet.Source == packet.Destination && sourcePort <= destinationPort);
        return sourceIsLow
            ? new FlowKey(packet.Source, packet.Destination, sourcePort, destinationPort, packet.Protocol, packet.VlanId)
            : new FlowKey(packet.Destination, packet.Source, destinationPort, sourcePort, packet.Protocol, packet.VlanId);
    }

    public bool Equals(FlowKey other) =>
        LowAddress == other.LowAddress && HighAddress == other.HighAddress && LowPort == other.LowPort &&
        HighPort == other.HighPort && Protocol == other.Protocol && VlanId == other.VlanId;

    public override bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    public override int GetHashCode()
    {
        // Cheap mix of all fields; HashCode is randomised per process, so crafted tuples cannot aim at one bucket.
        var ports = ((uint)LowPort << 16) | HighPort;
        return HashCode.Combine(LowAddress, HighAddress, ports, Protocol | (VlanId << 8));
    }

    public static bool operator ==(FlowKey left, FlowKey right) => left.Equals(right);

    public static bool operator !=(FlowKey left, FlowKey right) => !left.Equals(right);
}
