using System.Text;
using Sensor.Capture;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Decode.Link;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Capture;

public class PcapNgFileReaderTests
{
    private const ulong Seconds = 1_700_000_000;

    private static readonly byte[] s_ethernet = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 17, Frames.Udp(1111, 53, Frames.Payload(21, 1))));
    private static readonly byte[] s_raw = Frames.Ipv4("10.0.0.3", "10.0.0.4", 17, Frames.Udp(2222, 53, Frames.Payload(30, 2)));
    private static readonly byte[] s_sll = Frames.LinuxSll(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.5", "10.0.0.6", 17, Frames.Udp(3333, 53, Frames.Payload(7, 3))));
    private static readonly byte[] s_ipv6 = Frames.Ipv6("2001:db8::1", "2001:db8::2", 17, Frames.Udp(4444, 53, Frames.Payload(13, 4)));
    private static readonly byte[] s_keyLog = Encoding.ASCII.GetBytes("CLIENT_RANDOM 00112233 44556677\n");

    /// <summary>
    /// Section 1 (little-endian): if0 Ethernet (default µs), if1 raw IP (if_tsresol 10^-9), if2 Linux SLL (if_tsresol 2^-20);
    /// EPB on each, an SPB, an obsolete packet block, a Decryption Secrets Block and an unknown block.
    /// Section 2 (big-endian): if0 IPv6 link (if_tsresol 10^-3, if_tsoffset 100 s), one EPB.
    /// </summary>
    internal static PcapNgBuilder TwoSections() => new PcapNgBuilder()
        .Section(bigEndian: false)
        .Interface(linkType: 1)
        .Interface(linkType: 101, tsResolution: 9)
        .Interface(linkType: 113, tsResolution: 0x80 | 20)
        .Enhanced(0, (Seconds * 1_000_000) + 123_456, s_ethernet, withComment: true)
        .Enhanced(1, (Seconds * 1_000_000_000) + 123_456_789, s_raw, originalLength: 1500)
        .Enhanced(2, (Seconds << 20) | (1 << 19), s_sll)
        .Secrets(DecryptionSecret.TlsKeyLog, s_keyLog)
        .Block(0x0BAD_0001, Frames.Payload(17, 9)) // unknown type: skipped
        .Simple(s_ethernet)
        .Obsolete(0, (Seconds * 1_000_000) + 7, s_ethernet)
        .Section(bigEndian: true)
        .Interface(linkType: 229, tsResolution: 3, tsOffsetSeconds: 100)
        .Enhanced(0, 5_250, s_ipv6);

    [Fact]
    public void Read_TwoSectionsBothByteOrders_ReturnsEveryPacketWithItsInterface()
    {
        using var source = CaptureReading.Open(TwoSections().ToArray());
        var items = CaptureReading.ReadAll(source);

        Assert.Equal(Enumerable.Repeat(ReadResult.Packet, 6).Append(ReadResult.End), items.Select(i => i.Result));

        // if0, microseconds
        Assert.Equal(s_ethernet, items[0].Data);
        Assert.Equal(LinkType.Ethernet, items[0].LinkType);
        Assert.Equal(1_700_000_000_123_456L, items[0].Micros);

        // if1, nanoseconds, original length larger than captured
        Assert.Equal(s_raw, items[1].Data);
        Assert.Equal(LinkType.Raw, items[1].LinkType);
        Assert.Equal(1_700_000_000_123_456L, items[1].Micros);
        Assert.Equal(1500, items[1].OriginalLength);

        // if2, 2^-20 seconds: half a second
        Assert.Equal(s_sll, items[2].Data);
        Assert.Equal(LinkType.LinuxSll, items[2].LinkType);
        Assert.Equal(1_700_000_000_500_000L, items[2].Micros);

        // SPB: interface 0, no timestamp
        Assert.Equal(s_ethernet, items[3].Data);
        Assert.Equal(LinkType.Ethernet, items[3].LinkType);
        Assert.Equal(0, items[3].Micros);

        // obsolete packet block on if0
        Assert.Equal(s_ethernet, items[4].Data);
        Assert.Equal(1_700_000_000_000_007L, items[4].Micros);

        // second section (big-endian): milliseconds plus a 100 s offset
        Assert.Equal(s_ipv6, items[5].Data);
        Assert.Equal(LinkType.Ipv6, items[5].LinkType);
        Assert.Equal(105_250_000L, items[5].Micros);
    }

    [Fact]
    public void Read_DecryptionSecretsBlock_KeptInDecryptionSecrets()
    {
        using var source = CaptureReading.Open(TwoSections().ToArray());
        CaptureReading.ReadAll(source);

        var secret = Assert.Single(source.DecryptionSecrets);
        Assert.Equal(DecryptionSecret.TlsKeyLog, secret.SecretsType);
        Assert.Equal(s_keyLog, secret.Data);
    }

    [Theory]
    [InlineData((byte)6, 1_000_000UL, 1_000_000L)]          // 10^-6: as is
    [InlineData((byte)9, 1_000_000_999UL, 1_000_000L)]      // 10^-9: truncated to µs
    [InlineData((byte)0, 42UL, 42_000_000L)]                // 10^0: whole seconds
    [InlineData((byte)(0x80 | 10), 3_072UL, 3_000_000L)]    // 2^-10: 3072/1024 s
    [InlineData((byte)(0x80 | 30), (1UL << 30) + (1UL << 28), 1_250_000L)] // 2^-30
    public void Read_IfTsResolution_ConvertsToMicroseconds(byte resolution, ulong units, long expectedMicros)
    {
        var file = new PcapNgBuilder().Section(false).Interface(1, tsResolution: resolution).Enhanced(0, units, s_ethernet).ToArray();

        var packet = Assert.Single(CaptureReading.ReadAll(file).Packets());

        Assert.Equal(expectedMicros, packet.Micros);
    }

    [Fact]
    public void Read_SimplePacketLongerThanSnapLength_ClippedToSnapLength()
    {
        var file = new PcapNgBuilder().Section(true).Interface(1, snapLength: 32).Simple(s_ethernet).ToArray();

        var packet = Assert.Single(CaptureReading.ReadAll(file).Packets());

        Assert.Equal(s_ethernet[..32], packet.Data);
        Assert.Equal(s_ethernet.Length, packet.OriginalLength);
    }

    [Fact]
    public void Read_NewSection_ForgetsInterfacesOfThePreviousSection()
    {
        var file = new PcapNgBuilder()
            .Section(false).Interface(1).Interface(101)
            .Section(false).Interface(229)
            .Enhanced(1, 1, s_raw) // interface 1 existed only in the first section
            .Enhanced(0, 1, s_ipv6)
            .ToArray();

        var items = CaptureReading.ReadAll(file);

        Assert.Equal([ReadResult.Anomaly, ReadResult.Packet, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(AnomalyKind.CaptureUnknownInterface, items[0].Anomaly);
        Assert.Equal(LinkType.Ipv6, items[1].LinkType);
    }

    [Fact]
    public void Read_EnhancedPacketWithUnknownInterface_AnomalyThenContinues()
    {
        var file = new PcapNgBuilder().Section(false).Interface(1)
            .Enhanced(7, 1, s_ethernet)
            .Enhanced(0, 2, s_ethernet)
            .ToArray();

        var items = CaptureReading.ReadAll(file);

        Assert.Equal([ReadResult.Anomaly, ReadResult.Packet, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(AnomalyKind.CaptureUnknownInterface, items[0].Anomaly);
        Assert.Equal(2, items[1].Micros);
    }

    [Fact]
    public void Read_SimplePacketBeforeAnyInterface_UnknownInterface()
    {
        var file = new PcapNgBuilder().Section(false).Simple(s_ethernet).Interface(1).Simple(s_ethernet).ToArray();

        var items = CaptureReading.ReadAll(file);

        Assert.Equal([ReadResult.Anomaly, ReadResult.Packet, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(AnomalyKind.CaptureUnknownInterface, items[0].Anomaly);
    }

    [Fact]
    public void Read_CapturedLengthLargerThanBlock_BadBlockThenContinues()
    {
        var file = new PcapNgBuilder().Section(false).Interface(1)
            .Enhanced(0, 1, s_ethernet, capturedLength: (uint)s_ethernet.Length + 64)
            .Enhanced(0, 2, s_ethernet)
            .ToArray();

        var items = CaptureReading.ReadAll(file);

        Assert.Equal([ReadResult.Anomaly, ReadResult.Packet, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(AnomalyKind.CaptureBadBlock, items[0].Anomaly);
    }

    public static TheoryData<string, AnomalyKind> DamagedFiles => new()
    {
        { "block length not a multiple of 4", AnomalyKind.CaptureBadBlock },
        { "block length below 12", AnomalyKind.CaptureBadBlock },
        { "block length zero", AnomalyKind.CaptureBadBlock },
        { "enhanced packet block length 0xFFFFFFF0", AnomalyKind.CaptureRecordTooLarge },
        { "simple packet block length 2 GiB", AnomalyKind.CaptureRecordTooLarge },
        { "secrets block length 0x7FFFFFFC", AnomalyKind.CaptureRecordTooLarge },
        { "unknown block length 0x7FFFFFFC", AnomalyKind.CaptureTruncatedRecord },
        { "enhanced packet block length 1 MiB in a tiny file", AnomalyKind.CaptureTruncatedRecord },
        { "section header with a bad byte-order magic", AnomalyKind.CaptureBadBlock },
    };

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public void Read_AbsurdBlockLength_NamedAnomalyEndWithoutLargeAllocation(string damage, AnomalyKind expected)
    {
        var builder = new PcapNgBuilder().Section(false).Interface(1).Enhanced(0, 1, s_ethernet);
        var body = Frames.Payload(40, 5);
        _ = damage switch
        {
            "block length not a multiple of 4" => builder.Block(PcapNgBuilder.EnhancedPacket, body, lengthOverride: 50),
            "block length below 12" => builder.Block(PcapNgBuilder.EnhancedPacket, body, lengthOverride: 8),
            "block length zero" => builder.Block(0x0BAD_0002, body, lengthOverride: 0),
            "enhanced packet block length 0xFFFFFFF0" => builder.Block(PcapNgBuilder.EnhancedPacket, body, lengthOverride: 0xFFFF_FFF0),
            "simple packet block length 2 GiB" => builder.Block(PcapNgBuilder.SimplePacket, body, lengthOverride: 0x8000_0000),
            "secrets block length 0x7FFFFFFC" => builder.Block(PcapNgBuilder.DecryptionSecrets, body, lengthOverride: 0x7FFF_FFFC),
            "unknown block length 0x7FFFFFFC" => builder.Block(0x0BAD_0003, body, lengthOverride: 0x7FFF_FFFC),
            "enhanced packet block length 1 MiB in a tiny file" => builder.Block(PcapNgBuilder.EnhancedPacket, body, lengthOverride: CaptureLimits.MaxRecordBytes),
            "section header with a bad byte-order magic" => builder.Block(PcapNgBuilder.SectionHeader, Frames.Payload(16, 6)),
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        var file = builder.Enhanced(0, 2, s_ethernet).ToArray();

        List<ReadItem> items = [];
        var allocated = Allocation.Measure(() => items = CaptureReading.ReadAll(file));

        Assert.Equal([ReadResult.Packet, ReadResult.Anomaly, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(expected, items[1].Anomaly);
        Allocation.AssertSmall(allocated);
    }

    public static TheoryData<string> ShortBodies => ["interface", "enhanced", "obsolete", "secrets length past body"];

    [Theory]
    [MemberData(nameof(ShortBodies))]
    public void Read_BlockBodyTooShortForItsFields_BadBlockThenContinues(string block)
    {
        var builder = new PcapNgBuilder().Section(false).Interface(1);
        _ = block switch
        {
            "interface" => builder.Block(PcapNgBuilder.InterfaceDescription, [1, 0, 0, 0]),
            "enhanced" => builder.Block(PcapNgBuilder.EnhancedPacket, new byte[16]),
            "obsolete" => builder.Block(PcapNgBuilder.ObsoletePacket, new byte[12]),
            "secrets length past body" => builder.Block(PcapNgBuilder.DecryptionSecrets, [0x4B, 0x53, 0x4C, 0x54, 0xFF, 0, 0, 0, 1, 2, 3, 4]),
            _ => throw new ArgumentOutOfRangeException(nameof(block)),
        };
        var file = builder.Enhanced(0, 9, s_ethernet).ToArray();

        using var source = CaptureReading.Open(file);
        var items = CaptureReading.ReadAll(source);

        Assert.Equal([ReadResult.Anomaly, ReadResult.Packet, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(AnomalyKind.CaptureBadBlock, items[0].Anomaly);
        Assert.Empty(source.DecryptionSecrets);
    }
}
