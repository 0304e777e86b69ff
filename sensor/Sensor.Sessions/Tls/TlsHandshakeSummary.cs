using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Sensor.Protocols.Tls;
using Sensor.Protocols.Tls.Fingerprints;

namespace Sensor.Sessions.Tls;

/// <summary>A ClientHello's strings that depend on its fields alone; shared by every hello with those fields, so never changed.</summary>
internal sealed record ClientHelloFingerprints(IReadOnlyList<string> Alpns, IReadOnlyList<string> OfferedVersions, string Ja4, string? Ja3Hash, string? Ja3Text);

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

    /// <summary>
    /// The hello's strings that depend on its fields alone (not on the name it asks for): the offered lists, JA4 and JA3.
    /// A hello whose fields were seen before gets the strings made then (<see cref="HelloFingerprintMemo{T}"/>).
    /// </summary>
    /// <param name="transport">JA4's first character: <c>'t'</c> for TLS over TCP, <c>'q'</c> for QUIC.</param>
    public static ClientHelloFingerprints ClientFingerprints(ReadOnlySpan<byte> body, in ClientHelloInfo info, char transport)
    {
        Span<ushort> key = stackalloc ushort[HelloMemoKey.MaxValues];
        var keyLength = HelloMemoKey.Client(body, info, transport, key);
        var memo = t_clientMemo ??= new HelloFingerprintMemo<ClientHelloFingerprints>();
        if (keyLength >= 0 && memo.TryGet(key[..keyLength], out var known))
        {
            return known;
        }

        var text = Ja3Buffer(body.Length);
        Span<char> hash = stackalloc char[Ja3.HashLength];
        var length = Ja3.WriteClient(body, info, text.AsSpan(0, Ja3.MaxTextLength(body.Length)), hash);
        var result = new ClientHelloFingerprints(
            info.HasAlpn ? AlpnList(body[info.Alpn]) : [],
            OfferedVersions(body, info),
            Ja4Of(body, info, transport),
            length < 0 ? null : new string(hash),
            length < 0 ? null : Encoding.ASCII.GetString(text.AsSpan(0, length)));
        if (keyLength >= 0 && length >= 0)
        {
            memo.Remember(key[..keyLength], result);
        }

        return result;
    }

    /// <summary>JA3S hash and text, remembered as the client's fingerprints are.</summary>
    public static (string? Hash, string? Text) Ja3sOf(ReadOnlySpan<byte> body, in ServerHelloInfo info)
    {
        Span<ushort> key = stackalloc ushort[HelloMemoKey.MaxValues];
        var keyLength = HelloMemoKey.Server(body, info, key);
        var memo = t_serverMemo ??= new HelloFingerprintMemo<Ja3Texts>();
        if (keyLength >= 0 && memo.TryGet(key[..keyLength], out var known))
        {
            return (known.Hash, known.Text);
        }

        var text = Ja3Buffer(body.Length);
        Span<char> hash = stackalloc char[Ja3.HashLength];
        var length = Ja3.WriteServer(body, info, text.AsSpan(0, Ja3.MaxTextLength(body.Length)), hash);
        if (length < 0)
        {
            return (null, null);
        }

        var result = new Ja3Texts(new string(hash), Encoding.ASCII.GetString(text.AsSpan(0, length)));
        if (keyLength >= 0)
        {
            memo.Remember(key[..keyLength], result);
        }

        return (result.Hash, result.Text);
    }

    [ThreadStatic]
    private static HelloFingerprintMemo<ClientHelloFingerprints>? t_clientMemo;

    [ThreadStatic]
    private static HelloFingerprintMemo<Ja3Texts>? t_serverMemo;

    private sealed record Ja3Texts(string Hash, string Text);

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
