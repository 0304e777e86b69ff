using Sensor.Protocols.Quic;
using Sensor.Sessions.Quic;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Quic;

/// <summary>
/// CRYPTO frames of Initial payloads (RFC 9000 §19) and their reassembly by offset (<see cref="CryptoStreamBuffer"/>):
/// the ClientHello of RFC 9001 A.2 split into frames every way, in order and out of order.
/// </summary>
public sealed class QuicCryptoFramesTests
{
    /// <summary>The handshake bytes inside the A.2 CRYPTO frame (msg_type 1, length 237, body).</summary>
    private static byte[] Hello => Rfc9001Vectors.s_cryptoFrame[4..];

    [Fact]
    public void AllowedFrames_AreWalked_AndCryptoHandedOn()
    {
        byte[] payload =
        [
            0x01,                                   // PING
            0x02, 0x05, 0x00, 0x01, 0x01, 0x00, 0x02, // ACK: largest 5, delay 0, 1 range, first 1, gap 0 length 2
            0x03, 0x05, 0x00, 0x00, 0x02, 0x01, 0x02, 0x03, // ACK_ECN: one range, ECT0/ECT1/CE counts
            .. Frame(0, Hello[..10]),
            0x00, 0x00,                             // PADDING
            0x1C, 0x0A, 0x06, 0x02, (byte)'n', (byte)'o', // CONNECTION_CLOSE: error 10, frame type 6, reason "no"
        ];
        var log = new CryptoLog();

        Assert.True(QuicCryptoFrames.Read(payload, log));
        Assert.Equal(Hello[..10], Assert.Single(log.Frames).Data);
    }

    [Theory]
    [InlineData(new byte[] { 0x08, 0x00, 0x01, 0x61 })]       // STREAM: not allowed in an Initial
    [InlineData(new byte[] { 0x1D, 0x00, 0x00 })]             // application CONNECTION_CLOSE: not in an Initial
    [InlineData(new byte[] { 0x02, 0x05, 0x00 })]             // ACK cut short
    [InlineData(new byte[] { 0x02, 0x05, 0x00, 0x3F, 0x00 })] // ACK with 63 ranges and none present
    [InlineData(new byte[] { 0x06, 0x00, 0x10, 0x01 })]       // CRYPTO longer than the payload
    [InlineData(new byte[] { 0x06, 0x40 })]                   // CRYPTO offset varint cut
    [InlineData(new byte[] { 0x1C, 0x00, 0x00, 0x05, 0x61 })] // CONNECTION_CLOSE reason longer than the payload
    public void DisallowedOrTruncatedFrames_AreRejected(byte[] payload)
    {
        Assert.False(QuicCryptoFrames.Read(payload, new CryptoLog()));
    }

    /// <summary>Property (a): every prefix of the A.2 payload gives a verdict without an exception: false inside the CRYPTO frame.</summary>
    [Fact]
    public void EveryPrefixOfThePayload_GivesAVerdict()
    {
        var payload = Rfc9001Vectors.Payload;
        for (var length = 0; length <= payload.Length; length++)
        {
            var complete = QuicCryptoFrames.Read(payload.AsSpan(0, length), new CryptoLog());
            Assert.True(complete == (length == 0 || length >= Rfc9001Vectors.s_cryptoFrame.Length), $"prefix {length}: {complete}");
        }
    }

    /// <summary>Property (b): the hello cut in two CRYPTO frames at every offset, delivered in either order, reassembles the same.</summary>
    [Fact]
    public void EveryTwoWaySplit_InEitherOrder_Reassembles()
    {
        var hello = Hello;
        for (var cut = 0; cut <= hello.Length; cut++)
        {
            byte[] first = Frame(0, hello[..cut]);
            byte[] second = Frame((ulong)cut, hello[cut..]);

            Assert.Equal(hello, Reassemble([first, second]));
            Assert.Equal(hello, Reassemble([second, first]));
            Assert.Equal(hello, Reassemble([[.. second, .. first]]));
        }
    }

    /// <summary>Property (c): random frame sizes, shuffled over random packets with PING/PADDING between, overlapping retransmissions included.</summary>
    [Fact]
    public void RandomFramesInRandomOrder_Reassemble()
    {
        var hello = Hello;
        var random = new Random(9000);
        for (var round = 0; round < 300; round++)
        {
            var frames = new List<byte[]>();
            var at = 0;
            foreach (var piece in Segments.RandomChunks(hello, random, round % 2 == 0 ? 16 : 120))
            {
                frames.Add(Frame((ulong)at, piece));
                if (random.Next(4) == 0)
                {
                    // A retransmission overlapping this piece and the next.
                    var end = Math.Min(hello.Length, at + piece.Length + random.Next(1, 20));
                    var start = Math.Max(0, at - random.Next(0, 5));
                    frames.Add(Frame((ulong)start, hello[start..end]));
                }

                at += piece.Length;
            }

            var shuffled = frames.OrderBy(_ => random.Next()).ToList();
            var packets = new List<byte[]>();
            for (var i = 0; i < shuffled.Count;)
            {
                var take = random.Next(1, 4);
                packets.Add([.. shuffled.Skip(i).Take(take).SelectMany(f => random.Next(3) == 0 ? [0x01, .. f, 0x00] : f)]);
                i += take;
            }

            Assert.Equal(hello, Reassemble(packets));
        }
    }

    /// <summary>Property (d): truncation plus garbage and byte flips never throw.</summary>
    [Fact]
    public void TruncationWithGarbage_NeverThrows()
    {
        var random = new Random(19);
        var payload = Rfc9001Vectors.Payload;
        for (var i = 0; i < 1000; i++)
        {
            var input = i % 2 == 0
                ? Segments.TruncateWithGarbage(payload, random, random.Next(300), random.Next(1, 64))
                : Segments.Mutate(payload.AsSpan(0, 260).ToArray(), random, random.Next(1, 4));
            var buffer = new CryptoStreamBuffer();
            QuicCryptoFrames.Read(input, buffer);
            Assert.True(buffer.Prefix.Length <= buffer.Contiguous);
        }
    }

    [Fact]
    public void CryptoBeyondTheBuffer_IsOverflow_NotAnException()
    {
        var buffer = new CryptoStreamBuffer();
        Assert.True(QuicCryptoFrames.Read(Frame(70_000, [1, 2, 3]), buffer));
        Assert.True(buffer.Overflow);
        Assert.Equal(0, buffer.Contiguous);
    }

    private static byte[] Reassemble(IEnumerable<byte[]> packets)
    {
        var buffer = new CryptoStreamBuffer();
        foreach (var packet in packets)
        {
            Assert.True(QuicCryptoFrames.Read(packet, buffer));
        }

        Assert.False(buffer.Overflow);
        return buffer.Prefix.ToArray();
    }

    /// <summary>A CRYPTO frame: type 0x06, offset and length as QUIC varints, data.</summary>
    internal static byte[] Frame(ulong offset, byte[] data) => [0x06, .. VarInt(offset), .. VarInt((ulong)data.Length), .. data];

    internal static byte[] VarInt(ulong value) => value switch
    {
        < 64 => [(byte)value],
        < 16384 => [(byte)(0x40 | (value >> 8)), (byte)value],
        _ => [(byte)(0x80 | (value >> 24)), (byte)(value >> 16), (byte)(value >> 8), (byte)value],
    };
}
