using Sensor.Core.Diagnostics;

namespace Sensor.Decode;

/// <summary>
/// What <see cref="PacketDecoder"/> found in one frame: offsets into the frame, never copies.
/// Addresses are 128-bit; IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d) so one key type serves both.
/// </summary>
public struct DecodedPacket
{
    public byte IpVersion;
    public byte Protocol;
    public byte TtlOrHopLimit;
    public UInt128 Source;
    public UInt128 Destination;

    /// <summary>Outer 802.1Q VLAN id (0 when untagged); part of the flow key, as in Suricata.</summary>
    public ushort VlanId;
    public byte VlanCount;

    /// <summary>Start and length of the IP packet inside the frame (length from the IP header, padding trimmed).</summary>
    public int NetworkOffset;
    public int NetworkLength;

    /// <summary>Ports for TCP/UDP/SCTP; for ICMP the type and code.</summary>
    public ushort SourcePort;
    public ushort DestinationPort;

    /// <summary>Transport payload inside the frame (or inside the defragmented datagram).</summary>
    public int PayloadOffset;
    public int PayloadLength;

    // TCP
    public TcpFlags TcpFlags;
    public uint Sequence;
    public uint Acknowledgment;
    public ushort Window;

    // Fragments (status Fragment): identification, offset in bytes, more-fragments flag, fragment data.
    public uint FragmentId;
    public int FragmentOffset;
    public bool MoreFragments;
    public int FragmentDataOffset;
    public int FragmentDataLength;

    /// <summary>Set when status is Invalid.</summary>
    public AnomalyKind Anomaly;

    public readonly bool IsTcp => Protocol == IpProtocol.Tcp;

    public readonly bool HasFlag(TcpFlags flag) => (TcpFlags & flag) != 0;

    public static UInt128 MapIpv4(uint address) => new(0, 0x0000_FFFF_0000_0000UL | address);

    public static bool IsMappedIpv4(UInt128 address) => (ulong)(address >> 64) == 0 && ((ulong)address & 0xFFFF_FFFF_0000_0000UL) == 0x0000_FFFF_0000_0000UL;
}
