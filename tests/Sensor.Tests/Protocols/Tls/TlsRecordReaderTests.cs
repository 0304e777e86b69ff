using Sensor.Core.Parsing;
using Sensor.Protocols.Tls;

namespace Sensor.Tests.Protocols.Tls;

public sealed class TlsRecordReaderTests
{
    /// <summary>Property (a) with the ParseResult contract: every prefix needs exactly the missing bytes, with nothing consumed.</summary>
    [Fact]
    public void EveryPrefix_NeedsExactlyTheRest_AndTheWholeRecordIsDone()
    {
        var record = TlsVectors.AnthropicClientHelloRecords;
        for (var length = 0; length < record.Length; length++)
        {
            var result = TlsRecordReader.TryRead(record.AsSpan(0, length), out _, out _);
            Assert.Equal(ParseStatus.NeedMoreData, result.Status);
            Assert.Equal(0, result.Consumed);
            Assert.Equal(length < 5 ? 5 - length : record.Length - length, result.Needed);
        }

        var done = TlsRecordReader.TryRead([.. record, 0x17, 0x03], out var type, out var version);
        Assert.Equal(ParseResult.Done(record.Length), done);
        Assert.Equal((TlsConstants.ContentHandshake, (ushort)0x0301), (type, version));
    }

    [Theory]
    [InlineData(new byte[] { 0x13, 0x03, 0x03, 0x00, 0x00 })] // content type 19
    [InlineData(new byte[] { 0x19, 0x03, 0x03, 0x00, 0x00 })] // content type 25
    [InlineData(new byte[] { 0x16, 0x02, 0x00, 0x00, 0x00 })] // SSL 2 record version
    [InlineData(new byte[] { 0x17, 0x03, 0x03, 0x48, 0x01 })] // 18,433 bytes: over 2^14 + 2048
    public void BadHeaders_AreInvalid(byte[] header)
    {
        Assert.Equal(ParseStatus.Invalid, TlsRecordReader.TryRead(header, out _, out _).Status);
    }

    [Theory]
    [InlineData(new byte[] { 0x16, 0x03, 0x01 }, true)]
    [InlineData(new byte[] { 0x16, 0x03, 0x04 }, true)]
    [InlineData(new byte[] { 0x16, 0x03, 0x05 }, false)]
    [InlineData(new byte[] { 0x17, 0x03, 0x03 }, false)] // application data first: not the start of a handshake
    [InlineData(new byte[] { 0x16, 0x03 }, false)]
    [InlineData(new byte[] { 0x43, 0x4F, 0x4E }, false)] // "CON"
    public void HandshakeProbe(byte[] start, bool expected)
    {
        Assert.Equal(expected, TlsRecordReader.LooksLikeHandshake(start));
    }
}
