using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Sensor.Decode;
using Sensor.Flows.Identity;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Flows.Identity;

/// <summary>Community ID v1 against corelight/community-id-spec's baseline (shared/conformance/community-id).</summary>
public class CommunityIdTests
{
    public static TheoryData<string, int, int, string, string, int, int, string> BaselineRows()
    {
        var rows = new TheoryData<string, int, int, string, string, int, int, string>();
        foreach (var (file, seed) in new[] { ("baseline_deflt.json", 0), ("baseline_seed1.json", 1) })
        {
            var path = Path.Combine(RepoPaths.Shared, "conformance", "community-id", "baseline", file);
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var index = 0;
            foreach (var row in document.RootElement.EnumerateArray())
            {
                rows.Add(
                    $"{file}#{index++}",
                    seed,
                    row.GetProperty("proto").GetInt32(),
                    row.GetProperty("saddr").GetString()!,
                    row.GetProperty("daddr").GetString()!,
                    Port(row, "sport"),
                    Port(row, "dport"),
                    row.GetProperty("communityid").GetString()!);
            }
        }

        return rows;
    }

    [Fact]
    public void BaselineRows_BothFiles_Loaded()
    {
        var rows = BaselineRows();

        Assert.True(rows.Count >= 40, $"{rows.Count} rows");
    }

    [Theory]
    [MemberData(nameof(BaselineRows))]
    public void Compute_BaselineRow_MatchesCommunityId(string row, int seed, int protocol, string source, string destination, int sourcePort, int destinationPort, string expected)
    {
        var (ipv4, src) = ToUInt128(source);
        var (_, dst) = ToUInt128(destination);

        var actual = CommunityId.Compute(ipv4, src, dst, (byte)protocol, (ushort)sourcePort, (ushort)destinationPort, (ushort)seed);

        Assert.True(expected == actual, $"{row}: expected {expected}, got {actual}");
    }

    // The tables of baseline/README.md (made by pycommunityid's make-tables.py).
    [Theory]
    [InlineData(0, 6, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:wCb3OG7yAFWelaUydu0D+125CLM=")]
    [InlineData(0, 6, "5.6.7.8", "1.2.3.4", 3344, 1122, "1:wCb3OG7yAFWelaUydu0D+125CLM=")]
    [InlineData(0, 17, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=")]
    [InlineData(0, 132, "5.6.7.8", "1.2.3.4", 3344, 1122, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=")]
    [InlineData(0, 1, "1.2.3.4", "5.6.7.8", 8, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=")]
    [InlineData(0, 1, "5.6.7.8", "1.2.3.4", 0, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=")]
    [InlineData(0, 1, "1.2.3.4", "5.6.7.8", 11, 0, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=")]
    [InlineData(0, 58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 128, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=")]
    [InlineData(0, 58, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 129, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=")]
    [InlineData(0, 58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 146, 0, "1:fYC8+pz24E+EhANP1EZhpX0Dw10=")]
    [InlineData(0, 46, "1.2.3.4", "5.6.7.8", 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768=")]
    [InlineData(0, 46, "5.6.7.8", "1.2.3.4", 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768=")]
    [InlineData(0, 46, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 0, 0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=")]
    [InlineData(1, 6, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=")]
    [InlineData(1, 1, "5.6.7.8", "1.2.3.4", 0, 0, "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=")]
    [InlineData(1, 1, "1.2.3.4", "5.6.7.8", 11, 0, "1:1DD7cWGC/Yg91YGsQeni8du3pIA=")]
    [InlineData(1, 58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 146, 0, "1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s=")]
    [InlineData(1, 46, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 0, 0, "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=")]
    public void Compute_ReadmeTableRow_MatchesCommunityId(int seed, int protocol, string source, string destination, int sourcePort, int destinationPort, string expected)
    {
        var (ipv4, src) = ToUInt128(source);
        var (_, dst) = ToUInt128(destination);

        Assert.Equal(expected, CommunityId.Compute(ipv4, src, dst, (byte)protocol, (ushort)sourcePort, (ushort)destinationPort, (ushort)seed));
    }

    [Fact]
    public void Compute_OneWayIcmpFromHigherAddress_KeepsPacketDirection()
    {
        // Zeek/pycommunityid: a one-way ICMP type is hashed as sent (is_one_way skips the endpoint ordering).
        var (_, high) = ToUInt128("5.6.7.8");
        var (_, low) = ToUInt128("1.2.3.4");

        var fromHigh = CommunityId.Compute(true, high, low, 1, 11, 0);
        var fromLow = CommunityId.Compute(true, low, high, 1, 11, 0);

        Assert.Equal(SpecHash(0, [5, 6, 7, 8], [1, 2, 3, 4], 1, 11, 0), fromHigh);
        Assert.NotEqual(fromLow, fromHigh);
    }

    [Fact]
    public void Compute_TwoWayIcmpFromHigherAddress_OrderedLikeAnyFlow()
    {
        var (_, high) = ToUInt128("5.6.7.8");
        var (_, low) = ToUInt128("1.2.3.4");

        // Echo reply from the higher address: ports become (0, 8), then the endpoints are swapped to (low, high, 8, 0).
        Assert.Equal(SpecHash(0, [1, 2, 3, 4], [5, 6, 7, 8], 1, 8, 0), CommunityId.Compute(true, high, low, 1, 0, 0));
    }

    [Fact]
    public void Compute_SameAddressesDifferentPorts_PortsDecideOrder()
    {
        var (_, address) = ToUInt128("10.0.0.1");

        Assert.Equal(CommunityId.Compute(true, address, address, 6, 80, 1234), CommunityId.Compute(true, address, address, 6, 1234, 80));
        Assert.Equal(SpecHash(0, [10, 0, 0, 1], [10, 0, 0, 1], 6, 80, 1234), CommunityId.Compute(true, address, address, 6, 1234, 80));
    }

    [Fact]
    public void Compute_Ipv4_HashesOnlyTheLow32BitsOfTheMappedAddress()
    {
        var mapped = DecodedPacket.MapIpv4(0x01020304);
        var bare = (UInt128)0x01020304u;
        var (_, other) = ToUInt128("5.6.7.8");

        Assert.Equal(CommunityId.Compute(true, mapped, other, 6, 1, 2), CommunityId.Compute(true, bare, (uint)other, 6, 1, 2));
    }

    [Theory]
    [InlineData(1, 8, 0, 8, 0, false)]
    [InlineData(1, 0, 0, 0, 8, false)]
    [InlineData(1, 13, 0, 13, 14, false)]
    [InlineData(1, 3, 1, 3, 1, true)]
    [InlineData(1, 11, 1, 11, 1, true)]
    [InlineData(58, 128, 0, 128, 129, false)]
    [InlineData(58, 135, 0, 135, 136, false)]
    [InlineData(58, 1, 4, 1, 4, true)]
    [InlineData(58, 146, 0, 146, 0, true)]
    public void IcmpPortEquivalents_TypeAndCode_ZeekCounterTypes(int protocol, int type, int code, int sourcePort, int destinationPort, bool oneWay)
    {
        Assert.Equal(((ushort)sourcePort, (ushort)destinationPort, oneWay), CommunityId.IcmpPortEquivalents((byte)protocol, (byte)type, (byte)code));
    }

    /// <summary>Port-less protocols (RSVP) have <c>null</c> ports in the baseline.</summary>
    private static int Port(JsonElement row, string name) =>
        row.TryGetProperty(name, out var port) && port.ValueKind == JsonValueKind.Number ? port.GetInt32() : 0;

    private static (bool Ipv4, UInt128 Address) ToUInt128(string text)
    {
        var bytes = IPAddress.Parse(text).GetAddressBytes();
        return bytes.Length == 4
            ? (true, DecodedPacket.MapIpv4(BinaryPrimitives.ReadUInt32BigEndian(bytes)))
            : (false, BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    /// <summary>The spec's pseudo code, literally: sha1(seed . saddr . daddr . proto . 0 . sport . dport), no reordering.</summary>
    private static string SpecHash(ushort seed, byte[] source, byte[] destination, byte protocol, ushort sourcePort, ushort destinationPort)
    {
        byte[] input = [(byte)(seed >> 8), (byte)seed, .. source, .. destination, protocol, 0, (byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort];
#pragma warning disable CA5350 // SHA-1 is what the Community ID spec uses.
        return "1:" + Convert.ToBase64String(SHA1.HashData(input));
#pragma warning restore CA5350
    }
}
