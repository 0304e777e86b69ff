using Sensor.Capture;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Decode.Link;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Capture;

public class PcapFileReaderTests
{
    // Two distinct Ethernet/IPv4/UDP frames.
    private static readonly byte[] s_frameA = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 17, Frames.Udp(1111, 53, Frames.Payload(20, 1))));
    private static readonly byte[] s_frameB = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.2", "10.0.0.1", 17, Frames.Udp(53, 1111, Frames.Payload(45, 2))));

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Read_EachMagicAndByteOrder_ReturnsFramesWithMicrosecondTimestamps(bool bigEndian, bool nanos)
    {
        var file = new PcapBuilder(linkType: 1, bigEndian, nanos)
            .Record(1_700_000_000, nanos ? 123_456_789u : 123_456u, s_frameA)
            .Record(1_700_000_001, nanos ? 999_999_999u : 999_999u, s_frameB, originalLength: 1514)
            .ToArray();

        var items = CaptureReading.ReadAll(file);

        Assert.Equal([ReadResult.Packet, ReadResult.Packet, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(1_700_000_000_123_456L, items[0].Micros);
        Assert.Equal(1_700_000_001_999_999L, items[1].Micros);
        Assert.Equal(s_frameA, items[0].Data);
        Assert.Equal(s_frameB, items[1].Data);
        Assert.Equal(s_frameA.Length, items[0].OriginalLength);
        Assert.Equal(1514, items[1].OriginalLength);
        Assert.All(items.Packets(), i => Assert.Equal(LinkType.Ethernet, i.LinkType));
    }

    [Theory]
    [InlineData(1u, LinkType.Ethernet)]
    [InlineData(101u, LinkType.Raw)]
    [InlineData(113u, LinkType.LinuxSll)]
    [InlineData(276u, LinkType.LinuxSll2)]
    [InlineData(0x1000_0001u, LinkType.Ethernet)] // upper bits carry FCS information (pcap spec §4)
    public void Read_LinkTypeField_ReportsLinkTypeOfEveryFrame(uint field, LinkType expected)
    {
        var file = new PcapBuilder(field).Record(1, 0, s_frameA).ToArray();

        var items = CaptureReading.ReadAll(file);

        Assert.Equal(expected, Assert.Single(items.Packets()).LinkType);
    }

    [Fact]
    public void Read_ZeroLengthRecord_ReturnsEmptyFrame()
    {
        var file = new PcapBuilder(1).Record(5, 6, [], originalLength: 60).Record(7, 8, s_frameA).ToArray();

        var items = CaptureReading.ReadAll(file);

        Assert.Equal([ReadResult.Packet, ReadResult.Packet, ReadResult.End], items.Select(i => i.Result));
        Assert.Empty(items[0].Data);
        Assert.Equal(60, items[0].OriginalLength);
        Assert.Equal(5_000_006, items[0].Micros);
    }

    [Fact]
    public void Read_HeaderOnly_EndsWithoutAnomaly()
    {
        var items = CaptureReading.ReadAll(new PcapBuilder(1).ToArray());

        Assert.Equal([ReadResult.End], items.Select(i => i.Result));
    }

    [Fact]
    public void Read_AfterEnd_KeepsReturningEnd()
    {
        using var source = CaptureReading.Open(new PcapBuilder(1).Record(1, 0, s_frameA).ToArray());
        CaptureReading.ReadAll(source);

        Assert.Equal(ReadResult.End, source.Read(out _, out _));
        Assert.Equal(ReadResult.End, source.Read(out _, out _));
    }

    [Theory]
    [InlineData(0xFFFF_FFF0u)]
    [InlineData((uint)CaptureLimits.MaxRecordBytes + 1)]
    [InlineData(0x8000_0000u)]
    public void Read_AbsurdIncludedLength_RecordTooLargeWithoutLargeAllocation(uint includedLength)
    {
        var file = new PcapBuilder(1).Record(1, 0, s_frameA).Record(2, 0, s_frameB, includedLength: includedLength).ToArray();

        List<ReadItem> items = [];
        var allocated = Allocation.Measure(() => items = CaptureReading.ReadAll(file));

        Assert.Equal([ReadResult.Packet, ReadResult.Anomaly, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(AnomalyKind.CaptureRecordTooLarge, items[1].Anomaly);
        Allocation.AssertSmall(allocated);
    }

    [Fact]
    public void Read_IncludedLengthUnderCapButPastEndOfFile_TruncatedWithoutLargeAllocation()
    {
        var file = new PcapBuilder(1).Record(1, 0, s_frameA, includedLength: CaptureLimits.MaxRecordBytes).ToArray();

        List<ReadItem> items = [];
        var allocated = Allocation.Measure(() => items = CaptureReading.ReadAll(file));

        Assert.Equal([ReadResult.Anomaly, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(AnomalyKind.CaptureTruncatedRecord, items[0].Anomaly);
        Allocation.AssertSmall(allocated);
    }

    [Fact]
    public void Position_AfterEachRecord_IsTheRecordEndOffset()
    {
        var builder = new PcapBuilder(1).Record(1, 0, s_frameA).Record(2, 0, s_frameB);
        using var source = CaptureReading.Open(builder.ToArray());

        Assert.Equal(PcapBuilder.FileHeaderLength, source.Position);
        source.Read(out _, out _);
        Assert.Equal(builder.RecordEnds[0], source.Position);
        source.Read(out _, out _);
        Assert.Equal(builder.RecordEnds[1], source.Position);
    }
}
