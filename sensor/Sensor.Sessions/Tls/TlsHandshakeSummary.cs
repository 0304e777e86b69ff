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

    public static string Hex4(ushort value) => value switch
    {
        // The versions every hello offers and the common suites: the same few strings for every event.
        0x0304 => "0x0304",
        0x0303 => "0x0303",
        0x0302 => "0x0302",
        0x0301 => "0x0301",
        0x1301 => "0x1301",
        0x1302 => "0x1302",
        0x1303 => "0x1303",
        _ => "0x" + value.ToString("x4", CultureInfo.InvariantCulture),
    };

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

    /// <summary>JA3 hash and text; a hello whose fields were seen before gets the strings made then (<see cref="Ja3Memo"/>).</summary>
    public static (string? Hash, string? Text) Ja3Of(ReadOnlySpan<byte> body, in ClientHelloInfo info)
    {
        Span<ushort> key = stackalloc ushort[Ja3Memo.MaxKeyValues];
        var keyLength = Ja3Memo.ClientKey(body, info, key);
        var memo = Ja3Memo.Client;
        if (keyLength >= 0 && memo.TryGet(key[..keyLength], out var knownHash, out var knownText))
        {
            return (knownHash, knownText);
        }

        var text = Ja3Buffer(body.Length);
        Span<char> hash = stackalloc char[Ja3.HashLength];
        var length = Ja3.WriteClient(body, info, text.AsSpan(0, Ja3.MaxTextLength(body.Length)), hash);
        return length < 0 ? (null, null) : Remember(memo, keyLength >= 0 ? key[..keyLength] : default, keyLength >= 0, hash, text.AsSpan(0, length));
    }

    /// <summary>JA3S hash and text, remembered as JA3 is.</summary>
    public static (string? Hash, string? Text) Ja3sOf(ReadOnlySpan<byte> body, in ServerHelloInfo info)
    {
        Span<ushort> key = stackalloc ushort[Ja3Memo.MaxKeyValues];
        var keyLength = Ja3Memo.ServerKey(body, info, key);
        var memo = Ja3Memo.Server;
        if (keyLength >= 0 && memo.TryGet(key[..keyLength], out var knownHash, out var knownText))
        {
            return (knownHash, knownText);
        }

        var text = Ja3Buffer(body.Length);
        Span<char> hash = stackalloc char[Ja3.HashLength];
        var length = Ja3.WriteServer(body, info, text.AsSpan(0, Ja3.MaxTextLength(body.Length)), hash);
        return length < 0 ? (null, null) : Remember(memo, keyLength >= 0 ? key[..keyLength] : default, keyLength >= 0, hash, text.AsSpan(0, length));
    }

    private static (string? Hash, string? Text) Remember(Ja3Memo memo, ReadOnlySpan<ushort> key, bool keep, ReadOnlySpan<char> hash, ReadOnlySpan<byte> text)
    {
        var result = (Hash: new string(hash), Text: Encoding.ASCII.GetString(text));
        if (keep)
        {
            memo.Remember(key, result.Hash, result.Text);
        }

        return result;
    }

    /// <summary>Per thread, reused: the JA3 text is copied out as a string, so its buffer need not be new per hello.</summary>
    [ThreadStatic]
    private static byte[]? t_ja3Text;

    /// <summary>Holds the JA3 text of a hello of <paramref name="bodyLength"/> bytes; grows with the largest hello seen (the handshake cap bounds it).</summary>
    private static byte[] Ja3Buffer(int bodyLength)
    {
        var length = Ja3.MaxTextLength(bodyLength);
        var buffer = t_ja3Text;
        if (buffer is null || buffer.Length < length)
        {
            t_ja3Text = buffer = new byte[Math.Max(length, 4096)];
        }

        return buffer;
    }

    /// <summary>Wire text as UTF-8 with control characters replaced, so hostile names cannot break a log line.</summary>
    private static string Text(ReadOnlySpan<byte> bytes)
    {
        // The common ALPN ids: one string each, not one per hello.
        if (bytes.SequenceEqual("h2"u8))
        {
            return "h2";
        }

        if (bytes.SequenceEqual("http/1.1"u8))
        {
            return "http/1.1";
        }

        if (bytes.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0)
        {
            return Encoding.ASCII.GetString(bytes); // printable ASCII: nothing to replace
        }

        var text = Encoding.UTF8.GetString(bytes);
        return text.Any(char.IsControl) ? new string(text.Select(c => char.IsControl(c) ? '\uFFFD' : c).ToArray()) : text;
    }
}
