using Sensor.Sessions.Http.Decoding;

namespace Sensor.Tests.Sessions.Http;

public sealed class ContentDecoderTests
{
    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("x-gzip", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("deflate", "raw-deflate")]
    [InlineData("br", "br")]
    [InlineData("BR", "br")]
    public void EachCoding_DecodesToTheOriginal_OverSeededRandomChunking(string header, string coding)
    {
        var original = Compression.JsonLike(200_000, seed: 7);
        var encoded = Compression.Encode(coding, original);
        var random = new Random(11);
        for (var round = 0; round < 5; round++)
        {
            var (decoded, status) = Decode(header, encoded, () => random.Next(1, 3000));
            Assert.Equal(ContentDecodeStatus.Ok, status);
            Assert.Equal(original, decoded);
        }
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("raw-deflate")]
    [InlineData("br")]
    public void EveryTwoWaySplit_OfASmallBody_DecodesTheSame(string coding)
    {
        var original = "{\"model\":\"claude-sonnet-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"u8.ToArray();
        var encoded = Compression.Encode(coding, original);
        var header = coding == "raw-deflate" ? "deflate" : coding;
        for (var split = 0; split <= encoded.Length; split++)
        {
            var sizes = new Queue<int>([split, int.MaxValue]);
            var (decoded, status) = Decode(header, encoded, sizes.Dequeue);
            Assert.Equal(ContentDecodeStatus.Ok, status);
            Assert.Equal(original, decoded);
        }
    }

    [Fact]
    public void TwoLayers_AreUndoneInReverseOrder_AndAThirdIsRefused()
    {
        var original = Compression.JsonLike(10_000, seed: 3);
        var encoded = Compression.Encode("br", Compression.Encode("gzip", original));
        var (decoded, status) = Decode("gzip, br", encoded, () => 100);
        Assert.Equal(ContentDecodeStatus.Ok, status);
        Assert.Equal(original, decoded);

        Assert.Null(ContentDecoder.Create("gzip, gzip, gzip", ContentDecoder.DefaultMaxOutputBytes, out var unsupported));
        Assert.True(unsupported);
        Assert.Null(ContentDecoder.Create("zstd", ContentDecoder.DefaultMaxOutputBytes, out unsupported));
        Assert.True(unsupported);
        Assert.Null(ContentDecoder.Create("identity", ContentDecoder.DefaultMaxOutputBytes, out unsupported));
        Assert.False(unsupported);
    }

    [Fact]
    public void CorruptData_IsInvalid_AndKeepsWhatWasDecoded()
    {
        var original = Compression.JsonLike(100_000, seed: 5);
        var encoded = Compression.Encode("gzip", original);
        encoded[encoded.Length / 2] ^= 0xFF;
        encoded[(encoded.Length / 2) + 1] ^= 0x55;
        var (decoded, status) = Decode("gzip", encoded, () => 512);
        Assert.Equal(ContentDecodeStatus.Invalid, status);
        Assert.True(decoded.Length < original.Length);
        Assert.Equal(original.AsSpan(0, Math.Min(decoded.Length, 1000)).ToArray(), decoded.AsSpan(0, Math.Min(decoded.Length, 1000)).ToArray());
    }

    [Fact]
    public void GzipBomb_StopsAtTheOutputCap_WithBoundedMemory()
    {
        var bomb = Compression.Bomb("gzip", 256 << 20); // 256 MiB of zeros in about 250 KiB
        long allocated = 0;
        (byte[] Decoded, ContentDecodeStatus Status) result = default;
        allocated = TestSupport.Allocation.Measure(() => result = Decode("gzip", bomb, () => 16 * 1024, keep: false));
        Assert.Equal(ContentDecodeStatus.OutputCap, result.Status);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes decoding a gzip bomb");
    }

    [Fact]
    public void BrotliBomb_IsABomb_LongBeforeTheOutputCap()
    {
        var bomb = Compression.Bomb("br", 128 << 20);
        Assert.True(bomb.Length < 4096, $"brotli bomb of {bomb.Length} bytes");
        using var decoder = ContentDecoder.Create("br", 64L << 20, out _)!;
        var sink = new Counting();
        var status = decoder.Decode(bomb, sink);
        Assert.Equal(ContentDecodeStatus.Bomb, status);
        // Given all its input at once, it may expand to the ratio times that input (plus one output chunk), no further.
        var bound = Math.Max(ContentDecoder.RatioGraceBytes, (long)ContentDecoder.MaxRatio * bomb.Length) + (16 * 1024);
        Assert.True(sink.Bytes <= bound && sink.Bytes < 64L << 20, $"decoded {sink.Bytes} bytes of a brotli bomb of {bomb.Length}");
        Assert.Equal(ContentDecodeStatus.Bomb, decoder.Decode([1, 2, 3], sink)); // stays stopped
    }

    private static (byte[] Decoded, ContentDecodeStatus Status) Decode(string header, byte[] encoded, Func<int> pieceSize, bool keep = true)
    {
        using var decoder = ContentDecoder.Create(header, 64L << 20, out _)!;
        var sink = new Counting { Keep = keep };
        var status = ContentDecodeStatus.Ok;
        for (var offset = 0; offset < encoded.Length && status == ContentDecodeStatus.Ok;)
        {
            var size = (int)Math.Min(Math.Max(pieceSize(), 0), encoded.Length - offset);
            status = decoder.Decode(encoded.AsSpan(offset, size), sink);
            offset += size;
        }

        return (sink.Output.ToArray(), status);
    }

    private sealed class Counting : IDecodedSink
    {
        public bool Keep { get; init; } = true;

        public MemoryStream Output { get; } = new();

        public long Bytes { get; private set; }

        public bool Accept(ReadOnlySpan<byte> decoded)
        {
            Bytes += decoded.Length;
            if (Keep)
            {
                Output.Write(decoded);
            }

            return true;
        }
    }
}
