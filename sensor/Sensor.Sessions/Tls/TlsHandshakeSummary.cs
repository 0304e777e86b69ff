using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Sensor.Protocols.Tls;
using Sensor.Protocols.Tls.Fingerprints;

namespace Sensor.Sessions.Tls;

/// <summary>Turns parsed hellos into the strings of the <c>tls</c> event (the only place TLS fields become strings).</summary>
internal static class TlsHandshakeSummary
{
    /// <summary>RFC 1035 bounds a DNS name at 255 bytes; longer "names" are cut (and are anomalies of their own).</summary>
    private const int MaxNameLength = 255;

    public static string VersionName(ushort version) => version switch
    {
        0x0304 => "TLS 1.3",
        0x0303 => "TLS 1.2",
        0x0302 => "TLS 1.1",
        0x0301 => "TLS 1.0",
        0x0300 => "SSLv3",
        0x0002 => "SSLv2",
        _ => "0x" + version.ToString("x4", CultureInfo.InvariantCulture),
    };

    public static string Hex4(ushort value) => "0x" + value.ToString("x4", CultureInfo.InvariantCulture);

    public static string? ServerName(ReadOnlySpan<byte> body, in ClientHelloInfo info)
    {
        var name = body[info.ServerName];
        return name.IsEmpty ? null : Text(name[..Math.Min(name.Length, MaxNameLength)]);
    }

    /// <summary>One ALPN protocol name (the server's choice).</summary>
    public static string ProtocolName(ReadOnlySpan<byte> name) => Text(name);

    public static List<string> AlpnList(ReadOnlySpan<byte> list)
    {
        var names = new List<string>();
        for (var at = 0; at < list.Length && names.Count < 16;)
        {
            var length = list[at];
            if (length == 0 || at + 1 + length > list.Length)
            {
                break;
            }

            names.Add(Text(list.Slice(at + 1, length)));
            at += 1 + length;
        }

        return names;
    }

    public static List<string> OfferedVersions(ReadOnlySpan<byte> body, in ClientHelloInfo info)
    {
        var versions = new List<string>();
        if (!info.HasSupportedVersions)
        {
            versions.Add(Hex4(info.LegacyVersion));
            return versions;
        }

        var list = body[info.SupportedVersions];
        for (var i = 0; i + 1 < list.Length; i += 2)
        {
            var v = BinaryPrimitives.ReadUInt16BigEndian(list[i..]);
            if (!TlsConstants.IsGrease(v))
            {
                versions.Add(Hex4(v));
            }
        }

        return versions;
    }

    public static string Ja4Of(ReadOnlySpan<byte> body, in ClientHelloInfo info, char transport)
    {
        Span<char> ja4 = stackalloc char[Ja4.Length];
        Ja4.Write(body, info, transport, ja4);
        return new string(ja4);
    }

    public static (string? Hash, string? Text) Ja3Of(ReadOnlySpan<byte> body, in ClientHelloInfo info)
    {
        var text = new byte[Ja3.MaxTextLength(body.Length)];
        Span<char> hash = stackalloc char[Ja3.HashLength];
        var length = Ja3.WriteClient(body, info, text, hash);
        return length < 0 ? (null, null) : (new string(hash), Encoding.ASCII.GetString(text, 0, length));
    }

    public static (string? Hash, string? Text) Ja3sOf(ReadOnlySpan<byte> body, in ServerHelloInfo info)
    {
        var text = new byte[Ja3.MaxTextLength(body.Length)];
        Span<char> hash = stackalloc char[Ja3.HashLength];
        var length = Ja3.WriteServer(body, info, text, hash);
        return length < 0 ? (null, null) : (new string(hash), Encoding.ASCII.GetString(text, 0, length));
    }

    /// <summary>Wire text as UTF-8 with control characters replaced, so hostile names cannot break a log line.</summary>
    private static string Text(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        return text.Any(char.IsControl) ? new string(text.Select(c => char.IsControl(c) ? '\uFFFD' : c).ToArray()) : text;
    }
}
