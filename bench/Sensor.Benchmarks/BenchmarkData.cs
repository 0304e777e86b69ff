using System.Buffers.Binary;
using Sensor.Decode;
using Sensor.Decode.Link;

namespace Sensor.Benchmarks;

/// <summary>
/// Canonical inputs of every benchmark (Kestrel's RequestParsingData): the frames of shared/pcaps/all.pcap,
/// loaded once per process. all.pcap is classic pcap, little-endian, microseconds, Ethernet.
/// </summary>
public static class BenchmarkData
{
    public const string PcapEnvironmentVariable = "SENSOR_BENCH_PCAP";
    private const string PcapRelativePath = "shared/pcaps/all.pcap";
    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    private static readonly Lazy<byte[]> s_allPcap = new(() => File.ReadAllBytes(FindAllPcap()));
    private static readonly Lazy<Frame[]> s_frames = new(() => SplitRecords(s_allPcap.Value));
    private static readonly Lazy<double> s_averageFrameBytes = new(() => Frames.Average(static f => f.Data.Length));

    /// <summary>One pcap record: the frame bytes (a slice of <see cref="AllPcap"/>) and its time.</summary>
    public readonly record struct Frame(ReadOnlyMemory<byte> Data, long TimestampMicros);

    /// <summary>The whole capture file, as read from disk.</summary>
    public static byte[] AllPcap => s_allPcap.Value;

    /// <summary>The shared/ folder (the one holding pcaps/all.pcap), for the conformance vectors.</summary>
    public static string Shared => Path.GetDirectoryName(Path.GetDirectoryName(FindAllPcap()))!;

    public static Frame[] Frames => s_frames.Value;

    /// <summary>all.pcap with its records repeated: a file large enough that the reader's buffer is its 4 MiB cap.</summary>
    public static byte[] AllPcapRepeated(int copies)
    {
        var records = AllPcap.AsSpan(FileHeaderLength);
        var file = new byte[FileHeaderLength + (records.Length * copies)];
        AllPcap.AsSpan(0, FileHeaderLength).CopyTo(file);
        for (var i = 0; i < copies; i++)
        {
            records.CopyTo(file.AsSpan(FileHeaderLength + (i * records.Length)));
        }

        return file;
    }

    /// <summary>Mean frame length, to turn ns per packet into Gbit/s (Config/PerPacketThroughputColumn).</summary>
    public static double AverageFrameBytes => s_averageFrameBytes.Value;

    /// <summary>Frames our decoder reads as Ethernet/IP/TCP (the same set is fed to PacketDotNet).</summary>
    public static byte[][] TcpFrames()
    {
        var result = new List<byte[]>();
        var packet = default(DecodedPacket);
        foreach (var frame in Frames)
        {
            if (PacketDecoder.Decode(LinkType.Ethernet, frame.Data.Span, ref packet) == DecodeStatus.Ok && packet.IsTcp)
            {
                result.Add(frame.Data.ToArray());
            }
        }

        return [.. result];
    }

    /// <summary>Every frame that decodes as IP with a transport header, decoded once, with its frame.</summary>
    public static (DecodedPacket[] Packets, ReadOnlyMemory<byte>[] Buffers) DecodedPackets()
    {
        var packets = new List<DecodedPacket>();
        var buffers = new List<ReadOnlyMemory<byte>>();
        var packet = default(DecodedPacket);
        foreach (var frame in Frames)
        {
            if (PacketDecoder.Decode(LinkType.Ethernet, frame.Data.Span, ref packet) == DecodeStatus.Ok)
            {
                packets.Add(packet);
                buffers.Add(frame.Data);
            }
        }

        return ([.. packets], [.. buffers]);
    }

    /// <summary>
    /// The environment variable wins; otherwise walk up from the binary (BenchmarkDotNet runs it several levels
    /// below bench/) to the folder holding shared/ (CI clones the repo with shared/ beside it).
    /// </summary>
    private static string FindAllPcap()
    {
        if (Environment.GetEnvironmentVariable(PcapEnvironmentVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, PcapRelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{PcapRelativePath} not found above {AppContext.BaseDirectory}; set {PcapEnvironmentVariable}");
    }

    private static Frame[] SplitRecords(byte[] file)
    {
        if (file.Length < FileHeaderLength || BinaryPrimitives.ReadUInt32LittleEndian(file) != 0xA1B2C3D4 ||
            BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)) != (uint)LinkType.Ethernet)
        {
            throw new InvalidDataException("expected a little-endian microsecond pcap with Ethernet frames");
        }

        var frames = new List<Frame>();
        var offset = FileHeaderLength;
        while (offset + RecordHeaderLength <= file.Length)
        {
            var header = file.AsSpan(offset, RecordHeaderLength);
            var micros = (BinaryPrimitives.ReadUInt32LittleEndian(header) * 1_000_000L) + BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            frames.Add(new Frame(file.AsMemory(offset + RecordHeaderLength, length), micros));
            offset += RecordHeaderLength + length;
        }

        return [.. frames];
    }
}
