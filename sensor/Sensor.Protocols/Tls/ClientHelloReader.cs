using System.Buffers.Binary;
using Sensor.Core.Parsing;

namespace Sensor.Protocols.Tls;

/// <summary>Parses a ClientHello handshake body (RFC 8446 §4.1.2) into <see cref="ClientHelloInfo"/>. No allocation.</summary>
public static class ClientHelloReader
{
    // struct {
    //     ProtocolVersion legacy_version = 0x0303;
    //     Random random;                                  32 bytes
    //     opaque legacy_session_id<0..32>;
    //     CipherSuite cipher_suites<2..2^16-2>;
    //     opaque legacy_compression_methods<1..2^8-1>;
    //     Extension extensions<8..2^16-1>;                optional before TLS 1.2
    // } ClientHello;
    private const int RandomLength = 32;

    public static ParseStatus Read(ReadOnlySpan<byte> body, ref ClientHelloInfo info)
    {
        info = default;
        var at = 0;
        if (body.Length < 2 + RandomLength + 1)
        {
            return ParseStatus.Invalid;
        }

        info.LegacyVersion = BinaryPrimitives.ReadUInt16BigEndian(body);
        at += 2;
        info.Random = at..(at + RandomLength);
        at += RandomLength;

        if (!TakeVector8(body, ref at, out info.SessionId) || info.SessionId.End.Value - info.SessionId.Start.Value > 32 ||
            !TakeVector16(body, ref at, out info.CipherSuites) || Length(info.CipherSuites) % 2 != 0 ||
            !TakeVector8(body, ref at, out _))
        {
            return ParseStatus.Invalid;
        }

        if (at == body.Length)
        {
            return ParseStatus.Done; // no extensions (SSL 3.0 / early TLS clients)
        }

        if (!TakeVector16(body, ref at, out info.Extensions))
        {
            return ParseStatus.Invalid;
        }

        return ReadExtensions(body, ref info);
    }

    private static ParseStatus ReadExtensions(ReadOnlySpan<byte> body, ref ClientHelloInfo info)
    {
        // struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
        var (start, end) = (info.Extensions.Start.Value, info.Extensions.End.Value);
        var at = start;
        while (at < end)
        {
            if (end - at < 4)
            {
                return ParseStatus.Invalid;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(body[(at + 2)..]);
            var dataStart = at + 4;
            if (dataStart + length > end)
            {
                return ParseStatus.Invalid;
            }

            info.ExtensionCount++;
            var data = body.Slice(dataStart, length);
            var ok = type switch
            {
                TlsConstants.ExtServerName => ReadServerName(data, dataStart, ref info),
                TlsConstants.ExtAlpn => Inner16(data, dataStart, out info.Alpn) && (info.HasAlpn = true),
                TlsConstants.ExtSupportedVersions => Inner8(data, dataStart, out info.SupportedVersions) && Length(info.SupportedVersions) % 2 == 0 && (info.HasSupportedVersions = true),
                TlsConstants.ExtSignatureAlgorithms => Inner16(data, dataStart, out info.SignatureAlgorithms) && Length(info.SignatureAlgorithms) % 2 == 0 && (info.HasSignatureAlgorithms = true),
                TlsConstants.ExtSupportedGroups => Inner16(data, dataStart, out info.SupportedGroups) && Length(info.SupportedGroups) % 2 == 0,
                TlsConstants.ExtEcPointFormats => Inner8(data, dataStart, out info.PointFormats),
                TlsConstants.ExtEncryptedClientHello => info.HasEncryptedClientHello = true,
                _ => true,
            };
            if (!ok)
            {
                return ParseStatus.Invalid;
            }

            at = dataStart + length;
        }

        return ParseStatus.Done;
    }

    private static bool ReadServerName(ReadOnlySpan<byte> data, int offset, ref ClientHelloInfo info)
    {
        // ServerNameList: uint16 length, then { NameType name_type; opaque HostName<1..2^16-1>; }*.
        // An empty extension is legal in a ServerHello and seen from some clients: SNI present but no name.
        info.HasServerName = true;
        if (data.Length == 0)
        {
            return true;
        }

        if (!Inner16(data, offset, out var list))
        {
            return false;
        }

        var at = list.Start.Value - offset;
        var end = list.End.Value - offset;
        while (at + 3 <= end)
        {
            var nameType = data[at];
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 1)..]);
            if (at + 3 + length > end)
            {
                return false;
            }

            if (nameType == 0 && Length(info.ServerName) == 0)
            {
                info.ServerName = (offset + at + 3)..(offset + at + 3 + length);
            }

            at += 3 + length;
        }

        return at == end;
    }

    /// <summary>The extension's data is one vector with a 2-byte length covering the rest.</summary>
    private static bool Inner16(ReadOnlySpan<byte> data, int offset, out Range range)
    {
        range = default;
        if (data.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(data) != data.Length - 2)
        {
            return false;
        }

        range = (offset + 2)..(offset + data.Length);
        return true;
    }

    private static bool Inner8(ReadOnlySpan<byte> data, int offset, out Range range)
    {
        range = default;
        if (data.Length < 1 || data[0] != data.Length - 1)
        {
            return false;
        }

        range = (offset + 1)..(offset + data.Length);
        return true;
    }

    internal static bool TakeVector8(ReadOnlySpan<byte> body, ref int at, out Range range)
    {
        range = default;
        if (at + 1 > body.Length || at + 1 + body[at] > body.Length)
        {
            return false;
        }

        range = (at + 1)..(at + 1 + body[at]);
        at = range.End.Value;
        return true;
    }

    internal static bool TakeVector16(ReadOnlySpan<byte> body, ref int at, out Range range)
    {
        range = default;
        if (at + 2 > body.Length)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        if (at + 2 + length > body.Length)
        {
            return false;
        }

        range = (at + 2)..(at + 2 + length);
        at = range.End.Value;
        return true;
    }

    internal static int Length(Range range) => range.End.Value - range.Start.Value;
}
