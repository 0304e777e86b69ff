using System.Buffers;
using Sensor.Protocols.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Tls;

/// <summary>
/// The reassembler against the four mechanical properties of style.md §2.7 (prefixes, two-way splits, random chunks,
/// truncation + garbage), on a capture-derived ClientHello flight and on the same hello re-framed into three records.
/// </summary>
public sealed class TlsHandshakeReassemblerTests
{
    /// <summary>The capture's hello re-framed into three handshake records (100 + 150 + the rest of its bytes).</summary>
    private static byte[] ThreeRecordFlight => TlsBytes.Records(TlsBytes.Unframe(TlsVectors.AnthropicClientHelloRecords), 100, 150);

    public static TheoryData<string> Flights => new() { "one record", "three records" };

    private static byte[] Flight(string name) => name == "one record" ? TlsVectors.AnthropicClientHelloRecords : ThreeRecordFlight;

    [Theory]
    [MemberData(nameof(Flights))]
    public void WholeFlight_HandsOnTheClientHello_AndIsDone(string name)
    {
        var (status, ja4, log) = FeedAll([Flight(name)]);

        Assert.Equal(TlsStreamStatus.Done, status); // the handler stopped after the hello
        Assert.Single(log.Messages);
        Assert.Equal(TlsConstants.ClientHello, log.Messages[0].Type);
        Assert.Equal(TlsVectors.AnthropicClientHelloBody, log.Messages[0].Body);
        Assert.Equal(TlsVectors.AnthropicJa4, ja4);
    }

    [Fact]
    public void ThreeRecordFlight_IsReallyThreeRecords()
    {
        var flight = ThreeRecordFlight;
        Assert.Equal(TlsVectors.AnthropicClientHelloRecords.Length + 10, flight.Length);
        Assert.Equal(22, flight[105]); // second record header after 5 + 100
        Assert.Equal(22, flight[260]); // third after 5 + 100 + 5 + 150
    }

    /// <summary>Property (a): every strict prefix leaves the reassembler waiting, without a message and without an exception.</summary>
    [Theory]
    [MemberData(nameof(Flights))]
    public void EveryStrictPrefix_IsNeedMoreData(string name)
    {
        var flight = Flight(name);
        for (var length = 0; length < flight.Length; length++)
        {
            var (status, _, log) = FeedAll([flight[..length]]);
            Assert.True(status == TlsStreamStatus.NeedMoreData, $"prefix {length}: {status}");
            Assert.Empty(log.Messages);
        }
    }

    /// <summary>Property (b): every two-way split, as two segments of one sequence and as two Feed calls, gives the same hello.</summary>
    [Theory]
    [MemberData(nameof(Flights))]
    public void EveryTwoWaySplit_GivesTheSameHello(string name)
    {
        var flight = Flight(name);
        for (var cut = 0; cut <= flight.Length; cut++)
        {
            var parts = Segments.SplitAt(flight, cut);

            var reassembler = new TlsHandshakeReassembler();
            var log = new HandshakeLog(stopAfter: TlsConstants.ClientHello);
            Assert.Equal(TlsStreamStatus.Done, reassembler.Feed(Segments.Sequence(parts), log));
            Assert.True(Ja4Of(log) == TlsVectors.AnthropicJa4, $"one sequence cut at {cut}");

            var (status, ja4, _) = FeedAll(parts);
            Assert.Equal(TlsStreamStatus.Done, status);
            Assert.True(ja4 == TlsVectors.AnthropicJa4, $"two Feed calls cut at {cut}");
        }
    }

    /// <summary>Property (c): random chunk sizes (seeded), one Feed per chunk and all chunks as one sequence, give the same hello.</summary>
    [Theory]
    [MemberData(nameof(Flights))]
    public void RandomChunks_GiveTheSameHello(string name)
    {
        var flight = Flight(name);
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var chunks = Segments.RandomChunks(flight, random, maxChunk: round % 2 == 0 ? 8 : 200);
            var (status, ja4, log) = FeedAll(chunks);
            Assert.Equal(TlsStreamStatus.Done, status);
            Assert.Equal(TlsVectors.AnthropicClientHelloBody, log.Messages.Single().Body);
            Assert.Equal(TlsVectors.AnthropicJa4, ja4);

            var reassembler = new TlsHandshakeReassembler();
            var sequenceLog = new HandshakeLog(stopAfter: TlsConstants.ClientHello);
            reassembler.Feed(Segments.Sequence(chunks), sequenceLog);
            Assert.Equal(TlsVectors.AnthropicJa4, Ja4Of(sequenceLog));
        }
    }

    /// <summary>Property (d): truncation plus random garbage (seeded), fed in random chunks, never throws.</summary>
    [Fact]
    public void TruncationWithGarbage_NeverThrows()
    {
        var random = new Random(1124);
        var flights = new[] { TlsVectors.AnthropicClientHelloRecords, ThreeRecordFlight };
        for (var i = 0; i < 1000; i++)
        {
            var flight = flights[i % 2];
            var input = Segments.TruncateWithGarbage(flight, random, random.Next(flight.Length + 1), random.Next(1, 300));
            var reassembler = new TlsHandshakeReassembler();
            var log = new HandshakeLog();
            foreach (var chunk in Segments.RandomChunks(input, random, 64))
            {
                Assert.True(Enum.IsDefined(reassembler.Feed(new ReadOnlySequence<byte>(chunk), log)));
            }

            reassembler.Release();
        }
    }

    [Fact]
    public void SeveralMessagesInOneRecord_AreHandedOnInOrder_ThenChangeCipherSpecEndsTheClearPart()
    {
        var hello = TlsBytes.Handshake(TlsConstants.ServerHello, [0x03, 0x03, .. new byte[32], 0x00, 0xC0, 0x2F, 0x00]);
        var certificate = TlsBytes.Handshake(TlsConstants.Certificate, [0x00, 0x00, 0x00]);
        var done = TlsBytes.Handshake(14, []);
        var stream = TlsBytes.Record(TlsConstants.ContentHandshake, [.. hello, .. certificate, .. done])
            .Concat(TlsBytes.Record(TlsConstants.ContentChangeCipherSpec, [0x01]))
            .Concat(TlsBytes.Record(TlsConstants.ContentHandshake, new byte[40]))      // encrypted Finished
            .Concat(TlsBytes.Record(TlsConstants.ContentApplicationData, new byte[100]))
            .Concat(TlsBytes.Record(TlsConstants.ContentApplicationData, new byte[7]))
            .ToArray();

        var random = new Random(3);
        for (var round = 0; round < 50; round++)
        {
            var reassembler = new TlsHandshakeReassembler();
            var log = new HandshakeLog();
            foreach (var chunk in Segments.RandomChunks(stream, random, round == 0 ? stream.Length : 5))
            {
                reassembler.Feed(new ReadOnlySequence<byte>(chunk), log);
            }

            Assert.Equal(TlsStreamStatus.Done, reassembler.Status);
            Assert.Equal([TlsConstants.ServerHello, TlsConstants.Certificate, (byte)14], log.Messages.Select(m => m.Type));
            Assert.Equal(2, reassembler.ApplicationDataRecords); // counted from the record headers after the clear part
            Assert.Equal(107, reassembler.ApplicationDataBytes);
        }
    }

    [Fact]
    public void EmptyHandshakeRecords_AndZeroLengthMessages_AreHandled()
    {
        var stream = TlsBytes.Record(TlsConstants.ContentHandshake, [])
            .Concat(TlsBytes.Records(TlsBytes.Handshake(14, []), 2))
            .Concat(TlsBytes.Record(TlsConstants.ContentAlert, [0x02, 0x28]))
            .ToArray();
        var reassembler = new TlsHandshakeReassembler();
        var log = new HandshakeLog();

        Assert.Equal(TlsStreamStatus.Done, reassembler.Feed(new ReadOnlySequence<byte>(stream), log));
        Assert.Equal((byte)14, log.Messages.Single().Type);
    }

    [Theory]
    [InlineData(new byte[] { 0x47, 0x45, 0x54, 0x20, 0x2F })]            // "GET /": not TLS
    [InlineData(new byte[] { 0x16, 0x02, 0x00, 0x00, 0x01 })]            // record version 2.0
    [InlineData(new byte[] { 0x13, 0x03, 0x01, 0x00, 0x01 })]            // content type 19
    [InlineData(new byte[] { 0x16, 0x03, 0x01, 0x48, 0x01 })]            // fragment of 18433 bytes, over the cap
    public void BadRecordHeader_IsInvalid(byte[] header)
    {
        var reassembler = new TlsHandshakeReassembler();
        Assert.Equal(TlsStreamStatus.Invalid, reassembler.Feed(new ReadOnlySequence<byte>(header), new HandshakeLog()));
        Assert.Equal(TlsStreamStatus.Invalid, reassembler.Feed(new ReadOnlySequence<byte>(TlsVectors.AnthropicClientHelloRecords), new HandshakeLog()));
    }

    [Fact]
    public void HandshakeMessageOverTheCap_IsTooLarge()
    {
        var reassembler = new TlsHandshakeReassembler(maxMessage: 1024);
        var header = TlsBytes.Record(TlsConstants.ContentHandshake, [TlsConstants.ClientHello, 0x00, 0x08, 0x00, .. new byte[100]]);
        Assert.Equal(TlsStreamStatus.TooLarge, reassembler.Feed(new ReadOnlySequence<byte>(header), new HandshakeLog()));
    }

    [Fact]
    public void MessagesUnderTheCap_AreDelivered_EvenWhenTogetherTheyExceedIt()
    {
        // A 1,004-byte message and a 304-byte one under a 1 KiB cap; the second record carries the end of the
        // first and all of the second (as a server's Certificate and ServerKeyExchange often share records).
        var reassembler = new TlsHandshakeReassembler(maxMessage: 1024);
        var first = TlsBytes.Handshake(TlsConstants.Certificate, new byte[1000]);
        var second = TlsBytes.Handshake(12, new byte[300]);
        var log = new HandshakeLog();

        var status = reassembler.Feed(new ReadOnlySequence<byte>(TlsBytes.Records([.. first, .. second], 600)), log);

        Assert.Equal(TlsStreamStatus.NeedMoreData, status);
        Assert.Equal([TlsConstants.Certificate, (byte)12], log.Messages.Select(m => m.Type));
        Assert.Equal([1000, 300], log.Messages.Select(m => m.Body.Length));
    }

    [Fact]
    public void Abandon_StopsWaiting_AndLaterBytesOnlyCountRecords()
    {
        var reassembler = new TlsHandshakeReassembler();
        var log = new HandshakeLog();
        reassembler.Feed(new ReadOnlySequence<byte>(TlsVectors.AnthropicClientHelloRecords[..50]), log);

        reassembler.Abandon();

        Assert.Equal(TlsStreamStatus.Done, reassembler.Status);
        reassembler.Feed(new ReadOnlySequence<byte>(TlsBytes.Record(TlsConstants.ContentApplicationData, new byte[9])), log);
        Assert.Empty(log.Messages);
    }

    private static (TlsStreamStatus Status, string? Ja4, HandshakeLog Log) FeedAll(IEnumerable<byte[]> chunks)
    {
        var reassembler = new TlsHandshakeReassembler();
        var log = new HandshakeLog(stopAfter: TlsConstants.ClientHello);
        var status = reassembler.Status;
        foreach (var chunk in chunks)
        {
            status = reassembler.Feed(new ReadOnlySequence<byte>(chunk), log);
        }

        reassembler.Release();
        return (status, log.Messages.Count > 0 ? Ja4Of(log) : null, log);
    }

    private static string Ja4Of(HandshakeLog log) => TlsBytes.Ja4(log.Messages.Single(m => m.Type == TlsConstants.ClientHello).Body);
}
