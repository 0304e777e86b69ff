using System.Buffers.Binary;
using System.Text;
using Sensor.Protocols.Tls;

namespace Sensor.Tests.TestSupport;

/// <summary>
/// Builds ClientHello bodies field by field (RFC 8446 §4.1.2) for the JA4/JA3 edge cases, and TLS records
/// around handshake messages (RFC 8446 §5.1). Values are big-endian, lengths computed, nothing validated.
/// </summary>
internal sealed class ClientHelloBuilder
{
    public ushort LegacyVersion { get; set; } = 0x0303;

    public byte[] SessionId { get; set; } = [];

    public List<ushort> Ciphers { get; set; } = [];

    /// <summary>Extensions in wire order: type and extension_data.</summary>
    public List<(ushort Type, byte[] Data)> Extensions { get; set; } = [];

    /// <summary>Leave out the extensions block entirely (SSL 3.0 / early TLS clients).</summary>
    public bool NoExtensionsBlock { get; set; }

    public ClientHelloBuilder Extension(ushort type, byte[] data)
    {
        Extensions.Add((type, data));
        return this;
    }

    public byte[] Body()
    {
        var body = new List<byte>();
        U16(body, LegacyVersion);
        body.AddRange(Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i))); // random
        body.Add((byte)SessionId.Length);
        body.AddRange(SessionId);
        U16(body, (ushort)(Ciphers.Count * 2));
        Ciphers.ForEach(c => U16(body, c));
        body.Add(1); // compression methods: null only
        body.Add(0);
        if (!NoExtensionsBlock)
        {
            var extensions = new List<byte>();
            foreach (var (type, data) in Extensions)
            {
                U16(extensions, type);
                U16(extensions, (ushort)data.Length);
                extensions.AddRange(data);
            }

            U16(body, (ushort)extensions.Count);
            body.AddRange(extensions);
        }

        return [.. body];
    }

    /// <summary>The handshake message: msg_type 1, uint24 length, body.</summary>
    public byte[] Message() => TlsBytes.Handshake(TlsConstants.ClientHello, Body());

    // extension_data of the extensions JA4 and JA3 read

    public static byte[] Sni(string host)
    {
        var name = Encoding.ASCII.GetBytes(host);
        var data = new List<byte>();
        U16(data, (ushort)(name.Length + 3)); // ServerNameList length
        data.Add(0);                          // name_type host_name
        U16(data, (ushort)name.Length);
        data.AddRange(name);
        return [.. data];
    }

    public static byte[] Alpn(params string[] protocols) => AlpnRaw([.. protocols.Select(Encoding.ASCII.GetBytes)]);

    public static byte[] AlpnRaw(params byte[][] protocols)
    {
        var list = new List<byte>();
        foreach (var protocol in protocols)
        {
            list.Add((byte)protocol.Length);
            list.AddRange(protocol);
        }

        var data = new List<byte>();
        U16(data, (ushort)list.Count);
        data.AddRange(list);
        return [.. data];
    }

    /// <summary>A vector of 2-byte values with a 2-byte length (signature_algorithms, supported_groups).</summary>
    public static byte[] List16(params ushort[] values)
    {
        var data = new List<byte>();
        U16(data, (ushort)(values.Length * 2));
        foreach (var v in values)
        {
            U16(data, v);
        }

        return [.. data];
    }

    /// <summary>supported_versions, client form: a 1-byte length, then 2-byte versions.</summary>
    public static byte[] Versions(params ushort[] versions)
    {
        var data = new List<byte> { (byte)(versions.Length * 2) };
        foreach (var v in versions)
        {
            U16(data, v);
        }

        return [.. data];
    }

    public static void U16(List<byte> output, ushort value)
    {
        output.Add((byte)(value >> 8));
        output.Add((byte)value);
    }
}

internal static class TlsBytes
{
    /// <summary>A handshake message: msg_type(1), uint24 length, body.</summary>
    public static byte[] Handshake(byte type, byte[] body)
    {
        var message = new byte[4 + body.Length];
        message[0] = type;
        message[1] = (byte)(body.Length >> 16);
        message[2] = (byte)(body.Length >> 8);
        message[3] = (byte)body.Length;
        body.CopyTo(message, 4);
        return message;
    }

    /// <summary>One record: content type, legacy_record_version, uint16 length, fragment.</summary>
    public static byte[] Record(byte contentType, byte[] fragment, ushort version = 0x0301)
    {
        var record = new byte[5 + fragment.Length];
        record[0] = contentType;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(1), version);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)fragment.Length);
        fragment.CopyTo(record, 5);
        return record;
    }

    /// <summary>Handshake bytes framed as handshake records with these fragment sizes (the last takes the rest).</summary>
    public static byte[] Records(byte[] handshake, params int[] fragmentSizes)
    {
        var output = new List<byte>();
        var at = 0;
        foreach (var size in fragmentSizes)
        {
            output.AddRange(Record(TlsConstants.ContentHandshake, handshake[at..(at + size)]));
            at += size;
        }

        if (at < handshake.Length || fragmentSizes.Length == 0)
        {
            output.AddRange(Record(TlsConstants.ContentHandshake, handshake[at..]));
        }

        return [.. output];
    }

    /// <summary>The handshake bytes inside a run of handshake records (their fragments, concatenated).</summary>
    public static byte[] Unframe(byte[] records)
    {
        var output = new List<byte>();
        for (var at = 0; at + 5 <= records.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(records.AsSpan(at + 3));
            output.AddRange(records.AsSpan(at + 5, length).ToArray());
            at += 5 + length;
        }

        return [.. output];
    }

    /// <summary>The JA4 of a ClientHello body, or a description of why it did not parse.</summary>
    public static string Ja4(byte[] body, char transport = 't')
    {
        var info = default(ClientHelloInfo);
        var status = ClientHelloReader.Read(body, ref info);
        if (status != Sensor.Core.Parsing.ParseStatus.Done)
        {
            return "not parsed: " + status;
        }

        Span<char> ja4 = stackalloc char[Sensor.Protocols.Tls.Fingerprints.Ja4.Length];
        Sensor.Protocols.Tls.Fingerprints.Ja4.Write(body, info, transport, ja4);
        return new string(ja4);
    }
}

/// <summary>Records the whole handshake messages a reassembler hands on; optionally stops after the first of a type.</summary>
internal sealed class HandshakeLog : ITlsHandshakeHandler
{
    private readonly byte? _stopAfter;

    public HandshakeLog(byte? stopAfter = null)
    {
        _stopAfter = stopAfter;
    }

    public List<(byte Type, byte[] Body)> Messages { get; } = [];

    public bool OnHandshakeMessage(byte type, ReadOnlySpan<byte> body)
    {
        Messages.Add((type, body.ToArray()));
        return type != _stopAfter;
    }

    /// <summary>The messages as comparable text: type and hex of each body.</summary>
    public string Describe() => string.Join(" | ", Messages.Select(m => $"{m.Type}:{Convert.ToHexStringLower(m.Body)}"));
}
