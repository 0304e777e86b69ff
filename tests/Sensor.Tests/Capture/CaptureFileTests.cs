using System.IO.Compression;
using Sensor.Capture;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Capture;

public sealed class CaptureFileTests : IDisposable
{
    private static readonly byte[] s_frame = Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 17, Frames.Udp(1111, 53, Frames.Payload(20, 1))));

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sensor-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("hello, this is not a capture file")]
    [InlineData("GIF89a..........................")]
    public void Open_WrongMagic_ReturnsNullAndNamesFileAndMagic(string content)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(content);

        var source = CaptureFile.Open("notes.pcap", new MemoryStream(bytes), bytes.Length, out var error);

        Assert.Null(source);
        Assert.NotNull(error);
        Assert.StartsWith("notes.pcap: ", error, StringComparison.Ordinal);
        Assert.Contains("not a pcap or pcapng file", error, StringComparison.Ordinal);
        Assert.Contains($"0x{BitConverter.ToUInt32(bytes):x8}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Open_ShorterThanMagic_ReturnsNullWithError(int length)
    {
        var bytes = new PcapBuilder(1).ToArray()[..length];

        var source = CaptureFile.Open("short.pcap", new MemoryStream(bytes), bytes.Length, out var error);

        Assert.Null(source);
        Assert.Equal("short.pcap: too short to be a capture file", error);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(23)]
    public void Open_TruncatedPcapFileHeader_ReturnsNullWithError(int length)
    {
        var bytes = new PcapBuilder(1).ToArray()[..length];

        var source = CaptureFile.Open("cut.pcap", new MemoryStream(bytes), bytes.Length, out var error);

        Assert.Null(source);
        Assert.Equal("cut.pcap: truncated pcap file header", error);
    }

    [Fact]
    public void Open_GzipPcap_ReadsFrames()
    {
        var plain = new PcapBuilder(1, bigEndian: true, nanos: true).Record(3, 4_000, s_frame).Record(5, 6_000, s_frame).ToArray();

        var items = CaptureReading.ReadAll(Gzip(plain), "trace.pcap.gz");

        Assert.Equal([ReadResult.Packet, ReadResult.Packet, ReadResult.End], items.Select(i => i.Result));
        Assert.Equal(3_000_004, items[0].Micros);
        Assert.Equal(s_frame, items[1].Data);
    }

    [Fact]
    public void Open_GzipPcapNg_ReadsFramesAndSecrets()
    {
        var plain = PcapNgFileReaderTests.TwoSections().ToArray();

        using var source = CaptureReading.Open(Gzip(plain), "trace.pcapng.gz");
        var items = CaptureReading.ReadAll(source);

        Assert.Equal(CaptureReading.ReadAll(plain).Select(i => i.ToString()), items.Select(i => i.ToString()));
        Assert.Single(source.DecryptionSecrets);
    }

    [Fact]
    public void Read_GzipCorruptedAfterSomeFrames_FramesThenDecompressionError()
    {
        // Compressible records so the deflate stream is made of Huffman blocks, then damage far from the start.
        var builder = new PcapBuilder(1);
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var payload = new byte[200];
            Array.Fill(payload, (byte)'a');
            payload[random.Next(payload.Length)] = (byte)random.Next(256);
            builder.Record((uint)i, 0, Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 17, Frames.Udp(1, 2, payload))));
        }

        var compressed = Gzip(builder.ToArray());
        var at = compressed.Length * 3 / 4;
        Array.Fill(compressed, (byte)0xFF, at, 64);

        var items = CaptureReading.ReadAll(compressed, "damaged.pcap.gz");

        Assert.Equal(ReadResult.End, items[^1].Result);
        Assert.Equal(ReadResult.Anomaly, items[^2].Result);
        Assert.Equal(AnomalyKind.CaptureDecompressionError, items[^2].Anomaly);
        var packets = items.Packets();
        Assert.InRange(packets.Count, 1, 1999);
        Assert.All(items[..^2], i => Assert.Equal(ReadResult.Packet, i.Result));
        for (var i = 0; i < packets.Count; i++)
        {
            Assert.Equal((long)i * 1_000_000, packets[i].Micros);
        }
    }

    [Fact]
    public void Open_GzipCorruptedRightAfterItsHeader_ReturnsNullWithGzipError()
    {
        var compressed = Gzip(new PcapBuilder(1).Record(1, 0, s_frame).ToArray());
        Array.Fill(compressed, (byte)0xFF, 10, compressed.Length - 10);

        var source = CaptureFile.Open("bad.pcap.gz", new MemoryStream(compressed), compressed.Length, out var error);

        Assert.Null(source);
        Assert.Equal("bad.pcap.gz: corrupt gzip data", error);
    }

    public static TheoryData<bool, bool> StreamKinds => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public void Open_NonSeekableStream_ReadsCapture(bool pcapng, bool gzip)
    {
        var plain = pcapng ? PcapNgFileReaderTests.TwoSections().ToArray() : new PcapBuilder(1).Record(1, 2, s_frame).Record(3, 4, s_frame).ToArray();
        var bytes = gzip ? Gzip(plain) : plain;

        using var source = CaptureFile.Open("stdin", new NonSeekableStream(bytes), knownLength: -1, out var error);

        Assert.Null(error);
        Assert.NotNull(source);
        Assert.Equal(CaptureReading.ReadAll(plain).Select(i => i.ToString()), CaptureReading.ReadAll(source).Select(i => i.ToString()));
    }

    [Fact]
    public void Open_NonSeekableStreamWithWrongMagic_ReturnsNullWithError()
    {
        var source = CaptureFile.Open("stdin", new NonSeekableStream("not a capture"u8.ToArray()), -1, out var error);

        Assert.Null(source);
        Assert.Contains("not a pcap or pcapng file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PathToAPipe_ReadsCapture()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/self/fd gives the pipe a path here; the NonSeekableStream cases cover the rest
        }

        var bytes = new PcapBuilder(1).Record(1, 2, s_frame).ToArray();
        var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out, HandleInheritability.Inheritable);
        var path = "/proc/self/fd/" + pipe.GetClientHandleAsString();
        pipe.Write(bytes); // far below the pipe buffer: nothing blocks
        pipe.Flush();

        using var source = CaptureFile.Open(path, out var error);
        pipe.DisposeLocalCopyOfClientHandle();
        pipe.Dispose(); // the write end closes: the reader sees the end of the capture

        Assert.Null(error);
        Assert.NotNull(source);
        Assert.Equal(1_000_002, Assert.Single(CaptureReading.ReadAll(source).Packets()).Micros);
    }

    [Fact]
    public void Open_PathOnDisk_ReadsFile()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "one.pcap");
        File.WriteAllBytes(path, new PcapBuilder(1).Record(9, 1, s_frame).ToArray());

        using var source = CaptureFile.Open(path, out var error);

        Assert.Null(error);
        Assert.NotNull(source);
        Assert.Equal(path, source.Name);
        Assert.Equal(9_000_001, Assert.Single(CaptureReading.ReadAll(source).Packets()).Micros);
    }

    [Fact]
    public void Open_MissingPath_ReturnsNullWithError()
    {
        var path = Path.Combine(_directory, "missing.pcap");

        var source = CaptureFile.Open(path, out var error);

        Assert.Null(source);
        Assert.StartsWith(path + ": cannot open", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_Directory_ReturnsCaptureNamesRecursivelySortedByPath()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "sub", "deeper"));
        string[] names = ["b.pcapng", "a.pcap", "sub/c.cap", "sub/deeper/d.PCAP.GZ", "e.dmp", "keys.log", "notes.txt", "f.pcapng.gz", "sub/readme.md"];
        foreach (var name in names)
        {
            File.WriteAllBytes(Path.Combine(_directory, name), [0]);
        }

        var errors = new List<string>();
        var files = CaptureFile.Expand([_directory], errors);

        Assert.Empty(errors);
        string[] expected = ["a.pcap", "b.pcapng", "e.dmp", "f.pcapng.gz", "sub/c.cap", "sub/deeper/d.PCAP.GZ"];
        Assert.Equal(expected.Select(n => Path.Combine(_directory, n)), files);
    }

    [Fact]
    public void Expand_FilesMissingPathsAndDirectories_KeepsOrderAndReportsMissing()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "dir"));
        File.WriteAllBytes(Path.Combine(_directory, "dir", "x.pcap"), [0]);
        var explicitFile = Path.Combine(_directory, "keys.log");
        File.WriteAllBytes(explicitFile, [0]);
        var missing = Path.Combine(_directory, "nope.pcap");

        var errors = new List<string>();
        var files = CaptureFile.Expand([explicitFile, missing, Path.Combine(_directory, "dir")], errors);

        // A file named explicitly is read whatever its name; only directory contents are filtered.
        Assert.Equal([explicitFile, Path.Combine(_directory, "dir", "x.pcap")], files);
        Assert.Equal([missing + ": no such file or directory"], errors);
    }

    [Fact]
    public void Expand_EmptyDirectory_ReturnsNothing()
    {
        Directory.CreateDirectory(_directory);
        var errors = new List<string>();

        Assert.Empty(CaptureFile.Expand([_directory], errors));
        Assert.Empty(errors);
    }

    internal static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }
}
