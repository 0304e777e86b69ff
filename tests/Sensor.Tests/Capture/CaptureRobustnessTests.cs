using Sensor.Capture;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Capture;

/// <summary>style.md 2.7.2 (a) and (d) for the capture readers: every truncation, every prefix, random garbage.</summary>
public class CaptureRobustnessTests
{
    /// <summary>A valid file, where each record or block ends, which of those ends yield a packet, and the shortest prefix that opens.</summary>
    public sealed record Sample(byte[] Bytes, long[] Boundaries, long[] PacketEnds, int MinimumOpenable);

    public static TheoryData<string> Kinds => ["pcap-le-us", "pcap-be-ns", "pcapng-two-sections", "pcapng-be"];

    internal static Sample Build(string kind)
    {
        byte[] Frame(int i) => Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 17, Frames.Udp(1000, (ushort)(2000 + i), Frames.Payload(i * 7, i))));
        switch (kind)
        {
            case "pcap-le-us":
            case "pcap-be-ns":
            {
                var builder = new PcapBuilder(1, bigEndian: kind == "pcap-be-ns", nanos: kind == "pcap-be-ns");
                for (var i = 0; i < 5; i++)
                {
                    builder.Record((uint)(100 + i), (uint)i, Frame(i));
                }

                long[] ends = [.. builder.RecordEnds];
                return new Sample(builder.ToArray(), [PcapBuilder.FileHeaderLength, .. ends], ends, PcapBuilder.FileHeaderLength);
            }

            case "pcapng-two-sections":
            {
                var builder = PcapNgFileReaderTests.TwoSections();
                return new Sample(builder.ToArray(), [.. builder.BlockEnds], [.. builder.PacketEnds], 4);
            }

            case "pcapng-be":
            {
                var builder = new PcapNgBuilder().Section(bigEndian: true).Interface(1, tsResolution: 9);
                for (var i = 0; i < 4; i++)
                {
                    builder.Enhanced(0, (ulong)i * 1000, Frame(i), withComment: i % 2 == 0);
                }

                builder.Simple(Frame(9));
                return new Sample(builder.ToArray(), [.. builder.BlockEnds], [.. builder.PacketEnds], 4);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Read_TruncatedAtEveryOffset_CompleteRecordsThenOptionalTruncatedAnomalyThenEnd(string kind)
    {
        var sample = Build(kind);
        var full = CaptureReading.ReadAll(sample.Bytes).Packets();
        Assert.Equal(sample.PacketEnds.Length, full.Count);

        for (var cut = 0; cut <= sample.Bytes.Length; cut++)
        {
            var prefix = sample.Bytes[..cut];
            var source = CaptureFile.Open("cut", new MemoryStream(prefix), prefix.Length, out var error);
            if (cut < sample.MinimumOpenable)
            {
                Assert.True(source is null && error is not null, $"cut {cut}: a prefix shorter than the file header must be refused");
                continue;
            }

            Assert.True(source is not null, $"cut {cut}: {error}");
            List<ReadItem> items;
            using (source)
            {
                items = CaptureReading.ReadAll(source);
            }

            var expectedPackets = sample.PacketEnds.Count(end => end <= cut);
            var atBoundary = sample.Boundaries.Contains(cut);
            var expected = Enumerable.Repeat("Packet", expectedPackets).Concat(atBoundary ? ["End"] : ["Anomaly(CaptureTruncatedRecord)", "End"]);
            Assert.Equal(string.Join(" ", expected), string.Join(" ", items.Select(i => i.Result == ReadResult.Packet ? "Packet" : i.ToString())));
            for (var i = 0; i < expectedPackets; i++)
            {
                Assert.Equal(full[i].Data, items[i].Data);
                Assert.Equal(full[i].Micros, items[i].Micros);
                Assert.Equal(full[i].LinkType, items[i].LinkType);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Read_EveryPrefixOfOneRecord_TruncatedAnomalyAndNoPacket(string kind)
    {
        // The first packet record alone, cut at each of its bytes, after everything that precedes it.
        var sample = Build(kind);
        var recordEnd = sample.PacketEnds[0];
        var recordStart = sample.Boundaries.Where(b => b < recordEnd).Max();
        for (var cut = recordStart + 1; cut < recordEnd; cut++)
        {
            var items = CaptureReading.ReadAll(sample.Bytes[..(int)cut]);

            Assert.Equal(["Anomaly(CaptureTruncatedRecord)", "End"], items.Select(i => i.ToString()));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Read_RandomGarbageAfterValidPrefix_NeverThrowsAndKeepsCompleteRecords(string kind)
    {
        var sample = Build(kind);
        var full = CaptureReading.ReadAll(sample.Bytes).Packets();
        var random = new Random(20261124);
        for (var round = 0; round < 300; round++)
        {
            var cut = random.Next(sample.MinimumOpenable, sample.Bytes.Length + 1);
            var garbage = new byte[random.Next(0, 3000)];
            random.NextBytes(garbage);
            if (round % 3 == 0)
            {
                // Small numbers make plausible lengths and interface ids more often than uniform bytes do.
                for (var i = 0; i < garbage.Length; i++)
                {
                    garbage[i] = (byte)(garbage[i] % 4 == 0 ? garbage[i] : garbage[i] & 0x0F);
                }
            }

            var file = Frames.Concat(sample.Bytes[..cut], garbage);
            List<ReadItem> items = [];
            var allocated = Allocation.Measure(() => items = CaptureReading.ReadAll(file));

            Assert.Equal(ReadResult.End, items[^1].Result);
            var complete = sample.PacketEnds.Count(end => end <= cut);
            var packets = items.Packets();
            Assert.True(packets.Count >= complete, $"round {round}: {packets.Count} packets, {complete} were complete before the garbage");
            for (var i = 0; i < complete; i++)
            {
                Assert.Equal(full[i].Data, packets[i].Data);
            }

            Assert.True(allocated < Allocation.SmallBytes + (4L * file.Length), $"round {round}: allocated {allocated} bytes for a {file.Length}-byte file");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Read_RandomByteDamage_NeverThrowsAndAlwaysEnds(string kind)
    {
        var sample = Build(kind);
        var random = new Random(42);
        for (var round = 0; round < 500; round++)
        {
            var file = (byte[])sample.Bytes.Clone();
            var flips = random.Next(1, 6);
            for (var f = 0; f < flips; f++)
            {
                // Keep the magic so the reader, not Open, meets the damage.
                file[random.Next(4, file.Length)] = (byte)random.Next(256);
            }

            var source = CaptureFile.Open("damaged", new MemoryStream(file), file.Length, out var error);
            if (source is null)
            {
                Assert.NotNull(error);
                continue;
            }

            using (source)
            {
                var items = CaptureReading.ReadAll(source);
                Assert.Equal(ReadResult.End, items[^1].Result);
                Assert.DoesNotContain(items, i => i.Result == ReadResult.Packet && i.Data.Length > CaptureLimits.MaxRecordBytes);
            }
        }
    }

    [Fact]
    public void Read_PcapRecordHeaderCut_AnomalyNamesTruncation()
    {
        var sample = Build("pcap-le-us");
        var items = CaptureReading.ReadAll(sample.Bytes[..(PcapBuilder.FileHeaderLength + 10)]);

        Assert.Equal([ReadResult.Anomaly, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(AnomalyKind.CaptureTruncatedRecord, items[0].Anomaly);
    }
}
