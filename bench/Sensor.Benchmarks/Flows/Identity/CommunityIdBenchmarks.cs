using BenchmarkDotNet.Attributes;
using Sensor.Decode;
using Sensor.Flows.Identity;

namespace Sensor.Benchmarks.Flows.Identity;

/// <summary>Community ID of an IPv4 and an IPv6 TCP flow: computed once per flow, for its first event.</summary>
public class CommunityIdBenchmarks
{
    private readonly UInt128 _v4Client = DecodedPacket.MapIpv4(0x7F00_0001);
    private readonly UInt128 _v4Server = DecodedPacket.MapIpv4(0x7F0A_0121);
    private readonly UInt128 _v6Client = ((UInt128)0x2001_0DB8_0000_0000UL << 64) | 1;
    private readonly UInt128 _v6Server = ((UInt128)0x2001_0DB8_0000_0000UL << 64) | 2;

    [Benchmark(Baseline = true)]
    public string Ipv4Tcp() => CommunityId.Compute(ipv4: true, _v4Client, _v4Server, 6, 50848, 443);

    [Benchmark]
    public string Ipv6Tcp() => CommunityId.Compute(ipv4: false, _v6Client, _v6Server, 6, 45658, 443);
}
