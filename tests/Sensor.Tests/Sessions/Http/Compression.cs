using System.IO.Compression;

namespace Sensor.Tests.Sessions.Http;

/// <summary>Encodes test bodies with the BCL's own compressors, the oracle for the content decoder.</summary>
internal static class Compression
{
    public static byte[] Encode(string coding, byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (Stream stream = coding switch
        {
            "gzip" => new GZipStream(output, level, leaveOpen: true),
            "deflate" => new ZLibStream(output, level, leaveOpen: true),
            "raw-deflate" => new DeflateStream(output, level, leaveOpen: true),
            "br" => new BrotliStream(output, level, leaveOpen: true),
            _ => throw new ArgumentException(coding),
        })
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Zeros, compressed: the classic bomb (about 1000:1 for deflate, far more for brotli).</summary>
    public static byte[] Bomb(string coding, int decodedBytes)
    {
        if (coding == "br")
        {
            return BrotliBomb(decodedBytes);
        }

        using var output = new MemoryStream();
        using (Stream stream = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            _ => throw new ArgumentException(coding),
        })
        {
            var zeros = new byte[1 << 20];
            for (var written = 0; written < decodedBytes; written += zeros.Length)
            {
                stream.Write(zeros, 0, Math.Min(zeros.Length, decodedBytes - written));
            }
        }

        return output.ToArray();
    }

    private static byte[] BrotliBomb(int decodedBytes)
    {
        using var encoder = new BrotliEncoder(quality: 5, window: 24);
        var zeros = new byte[1 << 20];
        var output = new byte[1 << 16];
        using var result = new MemoryStream();
        for (var written = 0; written <= decodedBytes; written += zeros.Length)
        {
            var final = written + zeros.Length > decodedBytes;
            var source = zeros.AsSpan(0, Math.Min(zeros.Length, decodedBytes - written));
            System.Buffers.OperationStatus status;
            do
            {
                status = encoder.Compress(source, output, out var consumed, out var produced, final);
                result.Write(output, 0, produced);
                source = source[consumed..];
            }
            while (status == System.Buffers.OperationStatus.DestinationTooSmall || !source.IsEmpty);
        }

        return result.ToArray();
    }

    /// <summary>Text that compresses like JSON does (about 5-20:1), from a seed.</summary>
    public static byte[] JsonLike(int bytes, int seed)
    {
        var random = new Random(seed);
        var words = new[] { "\"role\"", "\"user\"", "\"content\"", "\"model\"", "\"claude\"", "{", "}", ":", ",", "\"text\"", "[", "]" };
        var text = new System.Text.StringBuilder();
        while (text.Length < bytes)
        {
            text.Append(words[random.Next(words.Length)]).Append(random.Next(1000));
        }

        return System.Text.Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }
}
