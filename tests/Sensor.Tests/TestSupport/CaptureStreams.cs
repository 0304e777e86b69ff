using System.Buffers.Binary;
using System.Net;

namespace Sensor.Tests.TestSupport;

/// <summary>One TCP connection of a capture: its endpoints (client first) and the in-order payload each way.</summary>
internal sealed record TcpConnection(IPEndPoint Client, IPEndPoint Server, byte[] ToServer, byte[] ToClient);

/// <summary>One UDP datagram of a capture.</summary>
internal sealed record UdpDatagram(IPEndPoint Source, IPEndPoint Destination, byte[] Payload);

/// <summary>
/// Reads test inputs out of the shared captures, independently of the sensor's own decoder: classic pcap
/// (microsecond, little-endian), Ethernet or BSD loopback links, IPv4/IPv6, TCP payload in sequence order
/// (retransmitted bytes dropped) and UDP payloads. Enough for the clean loopback captures in <c>shared/</c>.
/// </summary>
internal static class CaptureStreams
{
    private const int LinkNull = 0;
    private const int LinkEthernet = 1;

    public static IReadOnlyList<TcpConnection> Tcp(string path)
    {
        var order = new List<(IPEndPoint Client, IPEndPoint Server)>();
        var streams = new Dictionary<(IPEndPoint, IPEndPoint), (MemoryStream Data, uint? Next)>();
        foreach (var packet in Packets(path))
        {
            if (packet.Protocol != 6 || packet.Transport.Length < 20)
            {
                continue;
            }

            var tcp = packet.Transport;
            var source = new IPEndPoint(packet.Source, BinaryPrimitives.ReadUInt16BigEndian(tcp));
            var destination = new IPEndPoint(packet.Destination, BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]));
            var seq = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
            var flags = tcp[13];
            var payload = tcp[((tcp[12] >> 4) * 4)..];
            if (!order.Exists(c => (c.Client.Equals(source) && c.Server.Equals(destination)) || (c.Client.Equals(destination) && c.Server.Equals(source))))
            {
                order.Add((source, destination)); // the first packet's sender (the SYN's, in these captures) is the client
            }

            var key = (source, destination);
            var state = streams.TryGetValue(key, out var s) ? s : (Data: new MemoryStream(), Next: (uint?)null);
            var next = state.Next ?? (seq + ((flags & 0x02) != 0 ? 1u : 0u));
            if (payload.Length > 0 && seq == next)
            {
                state.Data.Write(payload);
                next += (uint)payload.Length;
            }

            streams[key] = (state.Data, next);
        }

        return [.. order.Select(c => new TcpConnection(
            c.Client,
            c.Server,
            streams.TryGetValue((c.Client, c.Server), out var up) ? up.Data.ToArray() : [],
            streams.TryGetValue((c.Server, c.Client), out var down) ? down.Data.ToArray() : []))];
    }

    public static IReadOnlyList<UdpDatagram> Udp(string path)
    {
        var datagrams = new List<UdpDatagram>();
        foreach (var packet in Packets(path))
        {
            if (packet.Protocol == 17 && packet.Transport.Length >= 8)
            {
                var udp = packet.Transport;
                datagrams.Add(new UdpDatagram(
                    new IPEndPoint(packet.Source, BinaryPrimitives.ReadUInt16BigEndian(udp)),
                    new IPEndPoint(packet.Destination, BinaryPrimitives.ReadUInt16BigEndian(udp[2..])),
                    udp[8..BinaryPrimitives.ReadUInt16BigEndian(udp[4..])].ToArray()));
            }
        }

        return datagrams;
    }

    /// <summary>The first TLS record(s) the client of the first TLS connection sent: its whole ClientHello flight.</summary>
    public static byte[] FirstClientHelloRecords(string path) => FirstHelloRecords(Tcp(path).First(c => IsHandshake(c.ToServer)).ToServer);

    /// <summary>The server's first flight of the first TLS connection, up to (not including) a ChangeCipherSpec or application data record.</summary>
    public static byte[] FirstServerFlight(string path) => FirstHelloRecords(Tcp(path).First(c => IsHandshake(c.ToServer)).ToClient);

    /// <summary>The leading handshake records (content type 22) of one direction.</summary>
    public static byte[] FirstHelloRecords(byte[] stream)
    {
        var at = 0;
        while (at + 5 <= stream.Length && stream[at] == 22)
        {
            at += 5 + BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(at + 3));
        }

        return stream[..Math.Min(at, stream.Length)];
    }

    private static bool IsHandshake(byte[] stream) => stream.Length > 5 && stream[0] == 22 && stream[1] == 3;

    private static List<byte[]> Frames(string path, out int linkType)
    {
        var file = File.ReadAllBytes(path);
        if (BinaryPrimitives.ReadUInt32LittleEndian(file) != 0xA1B2C3D4)
        {
            throw new InvalidDataException($"{path}: not a little-endian microsecond pcap");
        }

        linkType = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20));
        var frames = new List<byte[]>();
        for (var at = 24; at + 16 <= file.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8));
            frames.Add(file[(at + 16)..(at + 16 + length)]);
            at += 16 + length;
        }

        return frames;
    }

    private static List<Packet> Packets(string path)
    {
        var packets = new List<Packet>();
        foreach (var frame in Frames(path, out var linkType))
        {
            ReadOnlySpan<byte> ip = linkType switch
            {
                LinkEthernet when frame.Length >= 14 && BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) is 0x0800 or 0x86DD => frame.AsSpan(14),
                LinkNull when frame.Length >= 4 => frame.AsSpan(4),
                _ => default,
            };
            if (ip.Length >= 20 && ip[0] >> 4 == 4)
            {
                var headerLength = (ip[0] & 0x0F) * 4;
                var total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
                packets.Add(new Packet(new IPAddress(ip[12..16]), new IPAddress(ip[16..20]), ip[9], ip[headerLength..total].ToArray()));
            }
            else if (ip.Length >= 40 && ip[0] >> 4 == 6)
            {
                var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
                packets.Add(new Packet(new IPAddress(ip[8..24]), new IPAddress(ip[24..40]), ip[6], ip[40..(40 + payloadLength)].ToArray()));
            }
        }

        return packets;
    }

    private sealed record Packet(IPAddress Source, IPAddress Destination, byte Protocol, byte[] TransportBytes)
    {
        public ReadOnlySpan<byte> Transport => TransportBytes;
    }
}
