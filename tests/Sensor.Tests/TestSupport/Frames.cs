using System.Buffers.Binary;
using System.Net;
using Sensor.Decode;

namespace Sensor.Tests.TestSupport;

/// <summary>
/// Hand-built frames, field by field, for the cases PacketDotNet will not build (bad lengths, extension
/// headers, fragments). Checksums other than the IPv4 header's are left zero: the decoder does not check them.
/// </summary>
internal static class Frames
{
    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeIpv6 = 0x86DD;
    public const ushort EtherTypeArp = 0x0806;
    public const ushort TpidVlan = 0x8100;
    public const ushort TpidQinQ = 0x88A8;

    public static readonly byte[] MacA = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0A];
    public static readonly byte[] MacB = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0B];

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }

        return result;
    }

    /// <summary>Ethernet II: dst(6) src(6) [TPID(2) TCI(2)]... type(2) payload.</summary>
    public static byte[] Ethernet(ushort etherType, byte[] payload, params (ushort Tpid, ushort Vid)[] tags)
    {
        var header = new byte[14 + (4 * tags.Length)];
        MacB.CopyTo(header, 0);
        MacA.CopyTo(header, 6);
        var at = 12;
        foreach (var (tpid, vid) in tags)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(at), tpid);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(at + 2), (ushort)(0xA000 | vid)); // PCP 5, DEI 0
            at += 4;
        }

        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(at), etherType);
        return Concat(header, payload);
    }

    /// <summary>Linux cooked v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2).</summary>
    public static byte[] LinuxSll(ushort protocol, byte[] payload)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt16BigEndian(header, 4); // sent by us
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), 1); // ARPHRD_ETHER
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 6);
        MacA.CopyTo(header, 6);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), protocol);
        return Concat(header, payload);
    }

    /// <summary>Linux cooked v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8).</summary>
    public static byte[] LinuxSll2(ushort protocol, byte[] payload)
    {
        var header = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(header, protocol);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), 1);
        header[10] = 0;
        header[11] = 6;
        MacA.CopyTo(header, 12);
        return Concat(header, payload);
    }

    /// <summary>BSD loopback: a 4-byte address family in the given byte order.</summary>
    public static byte[] Loopback(uint family, bool bigEndian, byte[] payload)
    {
        var header = new byte[4];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header, family);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header, family);
        }

        return Concat(header, payload);
    }

    /// <summary>IPv4 (RFC 791): version/IHL, TOS, total length, id, flags/offset, TTL, protocol, checksum, src, dst, options.</summary>
    public static byte[] Ipv4(string source, string destination, byte protocol, byte[] payload, byte[]? options = null,
        ushort id = 0x1234, bool moreFragments = false, int fragmentOffset = 0, byte ttl = 64, bool dontFragment = false)
    {
        options ??= [];
        if (options.Length % 4 != 0)
        {
            throw new ArgumentException("IPv4 options must be padded to 4 bytes", nameof(options));
        }

        var headerLength = 20 + options.Length;
        var header = new byte[headerLength];
        header[0] = (byte)(0x40 | (headerLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(headerLength + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), id);
        var flags = (ushort)((fragmentOffset / 8) | (moreFragments ? 0x2000 : 0) | (dontFragment ? 0x4000 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), flags);
        header[8] = ttl;
        header[9] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(header, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(header, 16);
        options.CopyTo(header, 20);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), HeaderChecksum(header));
        return Concat(header, payload);
    }

    /// <summary>IPv6 (RFC 8200): version/class/label, payload length, next header, hop limit, src, dst.</summary>
    public static byte[] Ipv6(string source, string destination, byte nextHeader, byte[] payload, byte hopLimit = 64)
    {
        var header = new byte[40];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x6000_0000 | 0x12345);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)payload.Length);
        header[6] = nextHeader;
        header[7] = hopLimit;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(header, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(header, 24);
        return Concat(header, payload);
    }

    /// <summary>Hop-by-hop or destination options header of <paramref name="length"/> bytes (a multiple of 8), filled with PadN.</summary>
    public static byte[] OptionsHeader(byte nextHeader, int length = 8)
    {
        var header = new byte[length];
        header[0] = nextHeader;
        header[1] = (byte)((length / 8) - 1);
        header[2] = 1; // PadN
        header[3] = (byte)(length - 4);
        return header;
    }

    /// <summary>Routing header type 0-style with one address and segments left 0: next(1) len(1) type(1) left(1) reserved(4) address(16).</summary>
    public static byte[] RoutingHeader(byte nextHeader, string address = "2001:db8::99")
    {
        var header = new byte[24];
        header[0] = nextHeader;
        header[1] = 2;
        header[2] = 0;
        header[3] = 0;
        IPAddress.Parse(address).GetAddressBytes().CopyTo(header, 8);
        return header;
    }

    /// <summary>Fragment header (RFC 8200 §4.5): next(1) reserved(1) offset(13)|res(2)|M(1) identification(4).</summary>
    public static byte[] FragmentHeader(byte nextHeader, int offset, bool more, uint id)
    {
        var header = new byte[8];
        header[0] = nextHeader;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(((offset / 8) << 3) | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), id);
        return header;
    }

    /// <summary>TCP (RFC 9293): sport dport seq ack offset/flags window checksum urgent [options] payload.</summary>
    public static byte[] Tcp(ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment, TcpFlags flags,
        byte[]? payload = null, ushort window = 64240, byte[]? options = null)
    {
        options ??= [];
        payload ??= [];
        var headerLength = 20 + options.Length;
        var header = new byte[headerLength];
        BinaryPrimitives.WriteUInt16BigEndian(header, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), acknowledgment);
        header[12] = (byte)((headerLength / 4) << 4);
        header[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), window);
        options.CopyTo(header, 20);
        return Concat(header, payload);
    }

    /// <summary>UDP (RFC 768): sport dport length checksum payload.</summary>
    public static byte[] Udp(ushort sourcePort, ushort destinationPort, byte[] payload, int? lengthOverride = null)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(header, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)(lengthOverride ?? (8 + payload.Length)));
        return Concat(header, payload);
    }

    /// <summary>ICMP/ICMPv6: type(1) code(1) checksum(2) rest.</summary>
    public static byte[] Icmp(byte type, byte code, byte[]? rest = null) => Concat([type, code, 0, 0], rest ?? [0, 1, 0, 1]);

    /// <summary>Deterministic filler bytes.</summary>
    public static byte[] Payload(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static ushort HeaderChecksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
