using Sensor.Capture;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Capture;

/// <summary>
/// The read buffer is smaller than the largest record (CaptureLimits): records that cross its end, records larger than
/// it, and a file that ends inside such a record, through a seekable stream, a file on disk and a pipe-like stream.
/// </summary>
public sealed class ReadBufferTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sensor-readbuffer-").FullName;

    public static TheoryData<string> Inputs => ["memory", "disk", "pipe"];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Sizes around the buffer: small ones that cross its end at many offsets, one larger than it, one at the record cap.</summary>
    private static List<byte[]> Frames()
    {
        var random = new Random(20261124);
        var sizes = new List<int>();
        for (var i = 0; i < 700; i++)
        {
            sizes.Add(random.Next(60, 1600));
        }

        sizes.Insert(100, CaptureLimits.ReadBufferBytes + 1001);
        sizes.Insert(400, CaptureLimits.MaxRecordBytes);
        sizes.Add(3 * CaptureLimits.ReadBufferBytes / 2);
        return sizes.Select(size =>
        {
            var frame = new byte[size];
            random.NextBytes(frame);
            return frame;
        }).ToList();
    }

    private static (byte[] Bytes, long[] Ends) Pcap(List<byte[]> frames)
    {
        var builder = new PcapBuilder(1);
        for (var i = 0; i < frames.Count; i++)
        {
            builder.Record((uint)i, 0, frames[i]);
        }

        return (builder.ToArray(), [.. builder.RecordEnds]);
    }

    private IPacketSource Open(byte[] bytes, string input)
    {
        IPacketSource? source;
        string? error;
        switch (input)
        {
            case "memory":
                source = CaptureFile.Open("memory", new MemoryStream(bytes, writable: false), bytes.Length, out error);
                break;
            case "disk":
                var path = Path.Combine(_directory, "big.pcap");
                File.WriteAllBytes(path, bytes);
                source = CaptureFile.Open(path, out error);
                break;
            default:
                source = CaptureFile.Open("pipe", new NonSeekableStream(bytes), -1, out error);
                break;
        }

        Assert.True(source is not null, error);
        return source!;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Read_RecordsCrossingAndLargerThanTheBuffer_EveryFrameWholeAtItsOffset(string input)
    {
        var frames = Frames();
        var (bytes, ends) = Pcap(frames);
        Assert.True(bytes.Length > 4 * CaptureLimits.ReadBufferBytes);

        using var source = Open(bytes, input);
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.Equal(ReadResult.Packet, source.Read(out var frame, out _));
            Assert.True(frames[i].AsSpan().SequenceEqual(frame.Data.Span), $"frame {i} ({frames[i].Length} B) differs");
            Assert.Equal(ends[i], source.Position);
        }

        Assert.Equal(ReadResult.End, source.Read(out _, out _));
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Read_PcapNgBlocksLargerThanTheBuffer_EveryFrameWhole(string input)
    {
        var frames = Frames().Where(f => f.Length < CaptureLimits.MaxRecordBytes - 64).ToList();
        var builder = new PcapNgBuilder().Section(bigEndian: false).Interface(1);
        foreach (var frame in frames)
        {
            builder.Enhanced(0, 1, frame);
        }

        using var source = Open(builder.ToArray(), input);
        var items = CaptureReading.ReadAll(source);

        Assert.Equal(Enumerable.Repeat(ReadResult.Packet, frames.Count).Append(ReadResult.End), items.Select(i => i.Result));
        Assert.All(frames.Zip(items), pair => Assert.Equal(pair.First, pair.Second.Data));
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Read_FileEndsInsideARecordLargerThanTheBuffer_FramesBeforeItThenTruncatedThenEnd(string input)
    {
        var frames = Frames()[..101];
        Assert.True(frames[100].Length > CaptureLimits.ReadBufferBytes);
        var (bytes, ends) = Pcap(frames);

        // Cut in the middle of the large record, and one byte before its end.
        foreach (var cut in new[] { ends[99] + 16 + (frames[100].Length / 2), ends[100] - 1 })
        {
            using var source = Open(bytes[..(int)cut], input);
            var items = CaptureReading.ReadAll(source);

            Assert.Equal(Enumerable.Repeat(ReadResult.Packet, 100).Append(ReadResult.Anomaly).Append(ReadResult.End), items.Select(i => i.Result));
            Assert.Equal(AnomalyKind.CaptureTruncatedRecord, items[100].Anomaly);
            Assert.Equal(frames[99], items[99].Data);
        }
    }
}
