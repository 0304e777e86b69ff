using System.Net;
using System.Security.Cryptography;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>
/// An independent Community ID v1 (corelight/community-id-spec) for TCP, UDP, SCTP and port-less protocols,
/// written from the spec so the sensor's own implementation is not its own oracle:
/// <c>"1:" + base64(SHA-1(seed(2, BE) . saddr . daddr . proto . 0x00 . sport(2, BE) . dport(2, BE)))</c>
/// with the smaller (address, port) endpoint first. ICMP type/code mapping is deliberately left out.
/// </summary>
internal static class CommunityIdV1
{
    public static string Compute(IPAddress source, int sourcePort, IPAddress destination, int destinationPort, byte protocol, ushort seed = 0)
    {
        var a = source.GetAddressBytes();
        var b = destination.GetAddressBytes();
        if (a.Length != b.Length)
        {
            throw new ArgumentException("both endpoints must be IPv4 or both IPv6");
        }

        var order = a.AsSpan().SequenceCompareTo(b);
        if (order > 0 || (order == 0 && sourcePort > destinationPort))
        {
            (a, b) = (b, a);
            (sourcePort, destinationPort) = (destinationPort, sourcePort);
        }

        var input = new List<byte> { (byte)(seed >> 8), (byte)seed };
        input.AddRange(a);
        input.AddRange(b);
        input.Add(protocol);
        input.Add(0);
        if (protocol is 6 or 17 or 132)
        {
            input.Add((byte)(sourcePort >> 8));
            input.Add((byte)sourcePort);
            input.Add((byte)(destinationPort >> 8));
            input.Add((byte)destinationPort);
        }

#pragma warning disable CA5350 // SHA-1 is what the Community ID spec hashes with.
        return "1:" + Convert.ToBase64String(SHA1.HashData(input.ToArray()));
#pragma warning restore CA5350
    }
}
