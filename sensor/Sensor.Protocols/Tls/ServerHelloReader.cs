using System.Buffers.Binary;
using Sensor.Core.Parsing;

namespace Sensor.Protocols.Tls;

/// <summary>Parses a ServerHello body (RFC 8446 §4.1.3). No allocation.</summary>
public static class ServerHelloReader
{
    // struct {
    //     ProtocolVersion legacy_version = 0x0303;
    //     Random random;                                    32 bytes
    //     opaque legacy_session_id_echo<0..32>;
    //     CipherSuite cipher_suite;
    //     uint8 legacy_compression_method = 0;
    //     Extension extensions<6..2^16-1>;                  optional before TLS 1.2
    // } ServerHello;

    /// <summary>SHA-256("HelloRetryRequest"), the random that marks a HelloRetryRequest.</summary>
    private static ReadOnlySpan<byte> HelloRetryRandom =>
    [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ];

    public static ParseStatus Read(ReadOnlySpan<byte> body, ref ServerHelloInfo info)
    {
        info = default;
        if (body.Length < 2 + 32 + 1)
        {
            return ParseStatus.Invalid;
        }

        info.LegacyVersion = BinaryPrimitives.ReadUInt16BigEndian(body);
        info.IsHelloRetryRequest = body.Slice(2, 32).SequenceEqual(HelloRetryRandom);
        var at = 34;
        if (!ClientHelloReader.TakeVector8(body, ref at, out _) || at + 3 > body.Length)
        {
            return ParseStatus.Invalid;
        }

        info.CipherSuite = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        at += 3;
        if (at == body.Length)
        {
            return ParseStatus.Done;
        }

        if (!ClientHelloReader.TakeVector16(body, ref at, out info.Extensions))
        {
            return ParseStatus.Invalid;
        }

        var (start, end) = (info.Extensions.Start.Value, info.Extensions.End.Value);
        for (var p = start; p < end;)
        {
            if (end - p < 4)
            {
                return ParseStatus.Invalid;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(body[p..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(body[(p + 2)..]);
            var dataStart = p + 4;
            if (dataStart + length > end)
            {
                return ParseStatus.Invalid;
            }

            if (type == TlsConstants.ExtSupportedVersions && length == 2)
            {
                info.SelectedVersion = BinaryPrimitives.ReadUInt16BigEndian(body[dataStart..]);
            }
            else if (type == TlsConstants.ExtAlpn && length >= 3)
            {
                // ProtocolNameList with exactly one name: uint16 list length, uint8 name length, name.
                info.Alpn = (dataStart + 3)..(dataStart + 3 + Math.Min(body[dataStart + 2], length - 3));
                info.HasAlpn = true;
            }

            p = dataStart + length;
        }

        return ParseStatus.Done;
    }
}
