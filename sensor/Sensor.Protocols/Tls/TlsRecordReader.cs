using System.Buffers.Binary;
using Sensor.Core.Parsing;

namespace Sensor.Protocols.Tls;

/// <summary>The TLS record layer (RFC 8446 §5.1), stateless.</summary>
public static class TlsRecordReader
{
    // struct { ContentType type; ProtocolVersion legacy_record_version; uint16 length; opaque fragment[length]; } TLSPlaintext;
    public const int HeaderLength = 5;

    /// <summary>Reads one record header; on Done, the fragment is input[5..Consumed].</summary>
    public static ParseResult TryRead(ReadOnlySpan<byte> input, out byte contentType, out ushort version)
    {
        contentType = 0;
        version = 0;
        if (input.Length < HeaderLength)
        {
            return ParseResult.NeedMore(0, HeaderLength - input.Length);
        }

        contentType = input[0];
        version = BinaryPrimitives.ReadUInt16BigEndian(input[1..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(input[3..]);
        if (contentType is < TlsConstants.ContentChangeCipherSpec or > TlsConstants.ContentApplicationData + 1 ||
            (version >> 8) != 0x03 || length > TlsConstants.MaxRecordFragment)
        {
            return ParseResult.Invalid();
        }

        return input.Length < HeaderLength + length
            ? ParseResult.NeedMore(0, HeaderLength + length - input.Length)
            : ParseResult.Done(HeaderLength + length);
    }

    /// <summary>Whether the first bytes of a stream look like a TLS handshake record (the protocol probe).</summary>
    public static bool LooksLikeHandshake(ReadOnlySpan<byte> start) =>
        start.Length >= 3 && start[0] == TlsConstants.ContentHandshake && start[1] == 0x03 && start[2] <= 0x04;
}
