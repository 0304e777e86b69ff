using System.Text;
using Sensor.Protocols.Http1;

namespace Sensor.Tests.Protocols.Http1;

public sealed class Http1ChunkedDecoderTests
{
    private const string Body = "5;name=value\r\nHello\r\n7\r\n, world\r\nA \r\n0123456789\r\n0\r\nTrailer: yes\r\n\r\n";
    private const string Decoded = "Hello, world0123456789";

    [Fact]
    public void WholeBody_DecodesData_SkipsExtensionsAndTrailers_AndStopsAtItsEnd()
    {
        var (data, status, consumed) = Decode(Encoding.ASCII.GetBytes(Body + "GET /next"), [int.MaxValue]);
        Assert.Equal(Decoded, data);
        Assert.Equal(Http1ChunkedStatus.Done, status);
        Assert.Equal(Body.Length, consumed);
    }

    [Theory]
    [InlineData("0\r\n\r\n", "")]
    [InlineData("0\n\n", "")]
    [InlineData("3\nabc\n0\n\n", "abc")]
    [InlineData("00003\r\nabc\r\n000\r\n\r\n", "abc")]
    [InlineData("1;a=\"b;c\"\r\nx\r\n0;last\r\nT1: a\r\nT2: b\r\n\r\n", "x")]
    public void Variants_Decode(string body, string expected)
    {
        var (data, status, consumed) = Decode(Encoding.ASCII.GetBytes(body), [int.MaxValue]);
        Assert.Equal((expected, Http1ChunkedStatus.Done, body.Length), (data, status, consumed));
    }

    [Theory]
    [InlineData("x\r\n")]
    [InlineData("\r\n")]
    [InlineData("5\r\nHelloX")]
    [InlineData("5 x\r\n")]
    [InlineData("5\rX")]
    public void Malformed_IsInvalid(string body) =>
        Assert.Equal(Http1ChunkedStatus.Invalid, Decode(Encoding.ASCII.GetBytes(body), [int.MaxValue]).Status);

    [Fact]
    public void OverlongSizes_ExtensionsAndTrailers_AreTooLarge()
    {
        Assert.Equal(Http1ChunkedStatus.TooLarge, Decode(Encoding.ASCII.GetBytes(new string('1', 16) + "\r\n"), [int.MaxValue]).Status);
        Assert.Equal(Http1ChunkedStatus.TooLarge, Decode(Encoding.ASCII.GetBytes("1;" + new string('e', Http1Limits.MaxChunkLineBytes) + "\r\n"), [int.MaxValue]).Status);
        var trailers = "0\r\n" + string.Concat(Enumerable.Repeat("T: " + new string('v', 1000) + "\r\n", 40)) + "\r\n";
        Assert.Equal(Http1ChunkedStatus.TooLarge, Decode(Encoding.ASCII.GetBytes(trailers), [7]).Status);
    }

    [Fact]
    public void EveryTwoWaySplit_DecodesTheSame()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var (data, status, consumed) = Decode(bytes, [split, int.MaxValue]);
            Assert.Equal((Decoded, Http1ChunkedStatus.Done, bytes.Length), (data, status, consumed));
        }
    }

    [Fact]
    public void EveryPrefix_NeedsMoreData()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        for (var n = 0; n < bytes.Length; n++)
        {
            var (data, status, consumed) = Decode(bytes.AsSpan(0, n).ToArray(), [int.MaxValue]);
            Assert.Equal(Http1ChunkedStatus.NeedMoreData, status);
            Assert.Equal(n, consumed);
            Assert.StartsWith(data, Decoded, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SeededRandomChunking_OfALargeBody_DecodesTheSame()
    {
        var random = new Random(20261124);
        var expected = new StringBuilder();
        var wire = new StringBuilder();
        for (var chunk = 0; chunk < 200; chunk++)
        {
            var text = new string((char)('a' + (chunk % 26)), random.Next(1, 3000));
            expected.Append(text);
            wire.Append(text.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n").Append(text).Append("\r\n");
        }

        wire.Append("0\r\n\r\n");
        var bytes = Encoding.ASCII.GetBytes(wire.ToString());
        for (var round = 0; round < 20; round++)
        {
            var pieces = Enumerable.Range(0, 400).Select(_ => random.Next(1, 700)).ToArray();
            var (data, status, consumed) = Decode(bytes, pieces, repeatLast: true);
            Assert.Equal((expected.ToString(), Http1ChunkedStatus.Done, bytes.Length), (data, status, consumed));
        }
    }

    [Fact]
    public void RandomGarbage_AfterAValidPrefix_GivesAStatus_NeverAnException()
    {
        var random = new Random(99);
        var valid = Encoding.ASCII.GetBytes(Body);
        for (var round = 0; round < 2000; round++)
        {
            var cut = random.Next(valid.Length);
            var input = new byte[cut + random.Next(1, 64)];
            valid.AsSpan(0, cut).CopyTo(input);
            random.NextBytes(input.AsSpan(cut));
            var (_, status, consumed) = Decode(input, [random.Next(1, 20)], repeatLast: true);
            Assert.InRange(consumed, 0, input.Length);
            Assert.True(Enum.IsDefined(status));
        }
    }

    /// <summary>Feeds <paramref name="bytes"/> in pieces of the given sizes (the last repeated or taking the rest), as a session would.</summary>
    private static (string Data, Http1ChunkedStatus Status, int Consumed) Decode(byte[] bytes, int[] pieces, bool repeatLast = false)
    {
        var decoder = default(Http1ChunkedDecoder);
        var output = new StringBuilder();
        var offset = 0;
        var piece = 0;
        var status = Http1ChunkedStatus.NeedMoreData;
        while (offset < bytes.Length)
        {
            var size = pieces[Math.Min(piece++, pieces.Length - 1)];
            if (!repeatLast && piece > pieces.Length)
            {
                size = int.MaxValue;
            }

            var end = (int)Math.Min((long)offset + Math.Max(size, 0), bytes.Length);
            var input = bytes.AsSpan(offset, end - offset);
            var used = 0;
            while (true)
            {
                status = decoder.Decode(input[used..], out var consumed, out var data);
                if (status == Http1ChunkedStatus.Data)
                {
                    output.Append(Encoding.ASCII.GetString(input[used..][data]));
                }

                used += consumed;
                if (status != Http1ChunkedStatus.Data || used == input.Length)
                {
                    break;
                }
            }

            offset += used;
            if (status is Http1ChunkedStatus.Done or Http1ChunkedStatus.Invalid or Http1ChunkedStatus.TooLarge)
            {
                return (output.ToString(), status, offset);
            }

            if (status == Http1ChunkedStatus.Data)
            {
                status = Http1ChunkedStatus.NeedMoreData;
            }
        }

        return (output.ToString(), status, offset);
    }
}
