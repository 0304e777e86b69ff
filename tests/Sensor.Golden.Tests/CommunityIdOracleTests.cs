using System.Net;
using System.Text.Json;
using Sensor.Golden.Tests.Infrastructure;

namespace Sensor.Golden.Tests;

/// <summary>The tests' own Community ID must itself be right: checked against the spec's published vectors.</summary>
public sealed class CommunityIdOracleTests
{
    [Theory]
    [InlineData("128.232.110.120", 34855, "66.35.250.204", 80, 6, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=")]
    [InlineData("66.35.250.204", 80, "128.232.110.120", 34855, 6, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=")]
    [InlineData("192.168.1.52", 54585, "8.8.8.8", 53, 17, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=")]
    [InlineData("2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25, 6, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=")]
    [InlineData("192.168.170.8", 7, "192.168.170.56", 7, 132, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=")]
    [InlineData("10.1.12.1", 0, "10.1.12.2", 0, 46, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=")]
    public void Oracle_MatchesSpecVectors(string source, int sourcePort, string destination, int destinationPort, byte protocol, string expected) =>
        Assert.Equal(expected, CommunityIdV1.Compute(IPAddress.Parse(source), sourcePort, IPAddress.Parse(destination), destinationPort, protocol));

    [Fact]
    public void Oracle_MatchesTheSpecBaseline_ForPortProtocols()
    {
        var path = Path.Combine(Repo.Shared, "conformance", "community-id", "baseline", "baseline_deflt.json");
        using var baseline = JsonDocument.Parse(File.ReadAllText(path));
        var checkedRows = 0;
        foreach (var row in baseline.RootElement.EnumerateArray())
        {
            var protocol = row.GetProperty("proto").GetInt32();
            if (protocol is not (6 or 17 or 132))
            {
                continue; // ICMP needs the type/code mapping, which these tests do not need
            }

            var actual = CommunityIdV1.Compute(
                IPAddress.Parse(row.GetProperty("saddr").GetString()!), row.GetProperty("sport").GetInt32(),
                IPAddress.Parse(row.GetProperty("daddr").GetString()!), row.GetProperty("dport").GetInt32(), (byte)protocol);
            Assert.Equal(row.GetProperty("communityid").GetString(), actual);
            checkedRows++;
        }

        Assert.True(checkedRows >= 6, $"only {checkedRows} TCP/UDP/SCTP rows in {path}");
    }
}
