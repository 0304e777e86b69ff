using System.Buffers.Binary;
using System.IO.Compression;

namespace Sensor.Capture.Files;

/// <summary>Opens a capture file by its content (pcap, pcapng, either gzip-compressed), not by its name.</summary>
public static class CaptureFile
{
    /// <summary>
    /// Opens <paramref name="path"/>. On failure returns null and a one-line reason that names the file
    /// (not a pcap/pcapng file, unreadable, empty). Never throws for bad content.
    /// </summary>
    public static IPacketSource? Open(string path, out string? error)
    {
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: cannot open ({e.GetType().Name})";
            return null;
        }

        // A pipe or a FIFO (sensor analyze /dev/stdin, <(zcat ...)) has no length.
        var length = stream.CanSeek ? stream.Length : -1;
        return Open(path, stream, length, out error);
    }

    /// <summary>Opens a capture held in a stream (tests, standard input). The source owns the stream.</summary>
    public static IPacketSource? Open(string name, Stream stream, long knownLength, out string? error)
    {
        error = null;
        var head = new byte[4];
        var got = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (got < 4)
        {
            stream.Dispose();
            error = $"{name}: too short to be a capture file";
            return null;
        }

        // Hand the sniffed bytes back without seeking: standard input and pipes cannot be rewound.
        var whole = new PrefixedStream(head, stream);
        if (head[0] == 0x1F && head[1] == 0x8B)
        {
            return OpenDecoded(name, new GZipStream(whole, CompressionMode.Decompress), compressed: true, knownLength, out error);
        }

        return OpenDecoded(name, whole, compressed: false, knownLength, out error);
    }

    private static IPacketSource? OpenDecoded(string name, Stream stream, bool compressed, long knownLength, out string? error)
    {
        error = null;

        // Small plain files need no 4 MiB buffer: no record can be larger than the file.
        var bufferSize = compressed || knownLength <= 0
            ? CaptureLimits.ReadBufferBytes
            : (int)Math.Clamp(knownLength + 64, 4096, CaptureLimits.ReadBufferBytes);
        var input = new BufferedInput(stream, bufferSize);
        try
        {
            if (!input.Ensure(4))
            {
                input.Dispose();
                error = input.Failed ? ReadFailure(name, compressed) : $"{name}: too short to be a capture file";
                return null;
            }

            var magic = BinaryPrimitives.ReadUInt32LittleEndian(input.Peek(4));
            if (magic == PcapNgFileReader.SectionHeaderType)
            {
                return new PcapNgFileReader(name, input);
            }

            if (PcapFileReader.IsPcapMagic(magic))
            {
                if (!input.Ensure(PcapFileReader.FileHeaderLength))
                {
                    input.Dispose();
                    error = input.Failed ? ReadFailure(name, compressed) : $"{name}: truncated pcap file header";
                    return null;
                }

                var reader = new PcapFileReader(name, input, input.Peek(PcapFileReader.FileHeaderLength));
                input.Advance(PcapFileReader.FileHeaderLength);
                return reader;
            }

            input.Dispose();
            error = $"{name}: not a pcap or pcapng file (magic 0x{magic:x8})";
            return null;
        }
        catch (InvalidDataException)
        {
            input.Dispose();
            error = $"{name}: corrupt gzip data";
            return null;
        }
    }

    /// <summary>BufferedInput swallows the stream's exception (and only sets Failed), so the reason is named here.</summary>
    private static string ReadFailure(string name, bool compressed) => compressed ? $"{name}: corrupt gzip data" : $"{name}: read error";

    /// <summary>Expands files and directories (recursively, sorted by path) into the files to read.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths, ICollection<string> errors)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.GetFiles(path, "*", SearchOption.AllDirectories);
                Array.Sort(found, StringComparer.Ordinal);
                files.AddRange(found.Where(IsCaptureName));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                errors.Add($"{path}: no such file or directory");
            }
        }

        return files;
    }

    /// <summary>Inside directories only names that look like captures are read (a key log beside a pcap is not one).</summary>
    private static bool IsCaptureName(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            name = name[..^3];
        }

        return name.EndsWith(".pcap", StringComparison.Ordinal) || name.EndsWith(".pcapng", StringComparison.Ordinal) ||
               name.EndsWith(".cap", StringComparison.Ordinal) || name.EndsWith(".dmp", StringComparison.Ordinal);
    }
}
