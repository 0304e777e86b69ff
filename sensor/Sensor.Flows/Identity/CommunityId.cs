using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sensor.Flows.Identity;

/// <summary>
/// Community ID v1 (corelight/community-id-spec): "1:" + base64(SHA-1(seed . saddr . daddr . proto . 0 . sport . dport))
/// with the endpoints ordered so the smaller (IP, port) comes first. ICMP type/code map to port slots as Zeek does.
/// </summary>
public static class CommunityId
{
    private const byte Icmp = 1;
    private const byte Icmpv6 = 58;

    /// <summary>"1:" and the Base64 of a 20-byte SHA-1 digest (28 characters with its padding).</summary>
    private const int IdLength = 2 + 28;

    /// <summary>Computes the ID. Addresses are 16 bytes; <paramref name="ipv4"/> says to hash only their last 4.</summary>
    public static string Compute(bool ipv4, UInt128 source, UInt128 destination, byte protocol, ushort sourcePort, ushort destinationPort, ushort seed = 0)
    {
        var hasPorts = protocol is 6 or 17 or 132 or Icmp or Icmpv6;
        var oneWay = false;
        if (protocol is Icmp or Icmpv6)
        {
            (sourcePort, destinationPort, oneWay) = IcmpPortEquivalents(protocol, (byte)sourcePort, (byte)destinationPort);
        }

        // Order so the smaller endpoint comes first; one-way ICMP keeps its direction.
        if (!oneWay && (destination < source || (destination == source && destinationPort < sourcePort)))
        {
            (source, destination) = (destination, source);
            (sourcePort, destinationPort) = (destinationPort, sourcePort);
        }

        var addressLength = ipv4 ? 4 : 16;
        Span<byte> input = stackalloc byte[2 + (2 * 16) + 2 + 4];
        var at = 0;
        BinaryPrimitives.WriteUInt16BigEndian(input, seed);
        at += 2;
        WriteAddress(input[at..], source, ipv4);
        at += addressLength;
        WriteAddress(input[at..], destination, ipv4);
        at += addressLength;
        input[at++] = protocol;
        input[at++] = 0;
        if (hasPorts)
        {
            BinaryPrimitives.WriteUInt16BigEndian(input[at..], sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(input[(at + 2)..], destinationPort);
            at += 4;
        }

        // SHA-1 is what the Community ID spec hashes with; an identifier, not a security use.
        Span<byte> digest = stackalloc byte[SHA1.HashSizeInBytes];
        Sha1OneBlock.Hash(input[..at], digest);

        // One string per flow, written in place (not a Base64 string and then a concatenation).
        Span<char> id = stackalloc char[IdLength];
        id[0] = '1';
        id[1] = ':';
        Convert.TryToBase64Chars(digest, id[2..], out _);
        return new string(id);
    }

    /// <summary>
    /// Zeek's ICMP "counter-type" mapping (pycommunityid icmp.py/icmp6.py): request/response pairs share an ID;
    /// other types are one-way and use the code as the second port.
    /// </summary>
    public static (ushort Source, ushort Destination, bool OneWay) IcmpPortEquivalents(byte protocol, byte type, byte code)
    {
        var counterpart = protocol == Icmp ? Icmpv4Counterpart(type) : Icmpv6Counterpart(type);
        return counterpart >= 0 ? (type, (ushort)counterpart, false) : (type, code, true);
    }

    private static int Icmpv4Counterpart(byte type) => type switch
    {
        8 => 0, 0 => 8,      // echo request / reply
        13 => 14, 14 => 13,  // timestamp
        15 => 16, 16 => 15,  // information
        10 => 9, 9 => 10,    // router solicitation / advertisement
        17 => 18, 18 => 17,  // address mask
        _ => -1,
    };

    private static int Icmpv6Counterpart(byte type) => type switch
    {
        128 => 129, 129 => 128, // echo
        130 => 131, 131 => 130, // multicast listener query / report
        133 => 134, 134 => 133, // router solicitation / advertisement
        135 => 136, 136 => 135, // neighbor solicitation / advertisement
        139 => 140, 140 => 139, // node information query / reply
        144 => 145, 145 => 144, // home agent address discovery
        _ => -1,
    };

    private static void WriteAddress(Span<byte> destination, UInt128 address, bool ipv4)
    {
        if (ipv4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)address);
        }
        else
        {
            BinaryPrimitives.WriteUInt128BigEndian(destination, address);
        }
    }
}
