using System.Buffers;
using System.Buffers.Binary;

namespace Sensor.Tests.TestSupport;

/// <summary>Writes fields in a chosen byte order into a growing buffer.</summary>
internal class ByteWriter
{
    private readonly ArrayBufferWriter<byte> _output = new();

    public bool BigEndian { get; protected set; }

    public long Length => _output.WrittenCount;

    public byte[] ToArray() => _output.WrittenSpan.ToArray();

    protected void U16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        if (BigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        }

        _output.Write(b);
    }

    protected void U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        if (BigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        }

        _output.Write(b);
    }

    protected void U64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        if (BigEndian)
        {
            BinaryPrimitives.WriteUInt64BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        }

        _output.Write(b);
    }

    protected void Bytes(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    protected void Pad4(int length)
    {
        for (var i = length; i % 4 != 0; i++)
        {
            _output.Write((ReadOnlySpan<byte>)[0]);
        }
    }
}

/// <summary>
/// A classic libpcap file (draft-ietf-opsawg-pcap): header magic(4) major(2) minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4),
/// then records ts_sec(4) ts_frac(4) incl_len(4) orig_len(4) data. Remembers where each record ends.
/// </summary>
internal sealed class PcapBuilder : ByteWriter
{
    public const int FileHeaderLength = 24;

    public PcapBuilder(uint linkType, bool bigEndian = false, bool nanos = false, uint snapLength = 262144)
    {
        BigEndian = bigEndian;
        U32(nanos ? 0xA1B23C4Du : 0xA1B2C3D4u);
        U16(2);
        U16(4);
        U32(0);
        U32(0);
        U32(snapLength);
        U32(linkType);
    }

    /// <summary>File offsets just past each record.</summary>
    public List<long> RecordEnds { get; } = [];

    public PcapBuilder Record(uint seconds, uint fraction, byte[] data, uint? originalLength = null, uint? includedLength = null)
    {
        U32(seconds);
        U32(fraction);
        U32(includedLength ?? (uint)data.Length);
        U32(originalLength ?? (uint)data.Length);
        Bytes(data);
        RecordEnds.Add(Length);
        return this;
    }
}

/// <summary>
/// A pcapng file (draft-ietf-opsawg-pcapng): every block is type(4) total_length(4) body(padded to 4) total_length(4),
/// written in the byte order of the current section. Remembers where each block, and each packet-yielding block, ends.
/// </summary>
internal sealed class PcapNgBuilder : ByteWriter
{
    public const uint SectionHeader = 0x0A0D0D0A;
    public const uint InterfaceDescription = 1;
    public const uint ObsoletePacket = 2;
    public const uint SimplePacket = 3;
    public const uint EnhancedPacket = 6;
    public const uint DecryptionSecrets = 0x0A;

    /// <summary>File offsets just past each block.</summary>
    public List<long> BlockEnds { get; } = [];

    /// <summary>File offsets just past each block that the reader returns as a packet.</summary>
    public List<long> PacketEnds { get; } = [];

    /// <summary>Section Header Block: byte-order magic, version 1.0, section length -1 (unknown), one shb_userappl option.</summary>
    public PcapNgBuilder Section(bool bigEndian)
    {
        BigEndian = bigEndian;
        var body = new BodyWriter(bigEndian);
        body.U32(0x1A2B3C4D);
        body.U16(1);
        body.U16(0);
        body.U64(ulong.MaxValue);
        body.Option(4, "sensor-tests"u8.ToArray());
        body.EndOfOptions();
        return Block(SectionHeader, body.ToArray());
    }

    /// <summary>Interface Description Block: link_type(2) reserved(2) snaplen(4) options (if_tsresol, if_tsoffset).</summary>
    public PcapNgBuilder Interface(ushort linkType, uint snapLength = 0, byte? tsResolution = null, long? tsOffsetSeconds = null)
    {
        var body = new BodyWriter(BigEndian);
        body.U16(linkType);
        body.U16(0);
        body.U32(snapLength);
        body.Option(2, "eth0"u8.ToArray()); // if_name
        if (tsResolution is { } resolution)
        {
            body.Option(9, [resolution]);
        }

        if (tsOffsetSeconds is { } offset)
        {
            var value = new BodyWriter(BigEndian);
            value.U64((ulong)offset);
            body.Option(14, value.ToArray());
        }

        body.EndOfOptions();
        return Block(InterfaceDescription, body.ToArray());
    }

    /// <summary>Enhanced Packet Block: interface_id(4) ts_high(4) ts_low(4) captured_len(4) original_len(4) data options.</summary>
    public PcapNgBuilder Enhanced(uint interfaceId, ulong timestamp, byte[] data, uint? originalLength = null, uint? capturedLength = null, bool withComment = false)
    {
        var body = new BodyWriter(BigEndian);
        body.U32(interfaceId);
        body.U32((uint)(timestamp >> 32));
        body.U32((uint)timestamp);
        body.U32(capturedLength ?? (uint)data.Length);
        body.U32(originalLength ?? (uint)data.Length);
        body.Data(data);
        if (withComment)
        {
            body.Option(1, "a comment"u8.ToArray()); // opt_comment
            body.EndOfOptions();
        }

        return Block(EnhancedPacket, body.ToArray(), yieldsPacket: true);
    }

    /// <summary>Simple Packet Block: original_len(4) data (interface 0, no timestamp).</summary>
    public PcapNgBuilder Simple(byte[] data, uint? originalLength = null)
    {
        var body = new BodyWriter(BigEndian);
        body.U32(originalLength ?? (uint)data.Length);
        body.Data(data);
        return Block(SimplePacket, body.ToArray(), yieldsPacket: true);
    }

    /// <summary>Obsolete Packet Block: interface_id(2) drops(2) ts_high(4) ts_low(4) captured_len(4) packet_len(4) data.</summary>
    public PcapNgBuilder Obsolete(ushort interfaceId, ulong timestamp, byte[] data)
    {
        var body = new BodyWriter(BigEndian);
        body.U16(interfaceId);
        body.U16(0);
        body.U32((uint)(timestamp >> 32));
        body.U32((uint)timestamp);
        body.U32((uint)data.Length);
        body.U32((uint)data.Length);
        body.Data(data);
        return Block(ObsoletePacket, body.ToArray(), yieldsPacket: true);
    }

    /// <summary>Decryption Secrets Block: secrets_type(4) secrets_length(4) data.</summary>
    public PcapNgBuilder Secrets(uint secretsType, byte[] data)
    {
        var body = new BodyWriter(BigEndian);
        body.U32(secretsType);
        body.U32((uint)data.Length);
        body.Data(data);
        return Block(DecryptionSecrets, body.ToArray());
    }

    /// <summary>Any block; <paramref name="lengthOverride"/> writes a (possibly absurd) total length instead of the real one.</summary>
    public PcapNgBuilder Block(uint type, byte[] body, uint? lengthOverride = null, bool yieldsPacket = false)
    {
        var padded = (body.Length + 3) & ~3;
        var length = lengthOverride ?? (uint)(12 + padded);
        U32(type);
        U32(length);
        Bytes(body);
        Pad4(body.Length);
        U32(length);
        BlockEnds.Add(Length);
        if (yieldsPacket)
        {
            PacketEnds.Add(Length);
        }

        return this;
    }

    /// <summary>Raw bytes, for garbage and hand-made damage.</summary>
    public PcapNgBuilder Raw(byte[] bytes)
    {
        Bytes(bytes);
        return this;
    }

    private sealed class BodyWriter : ByteWriter
    {
        public BodyWriter(bool bigEndian)
        {
            BigEndian = bigEndian;
        }

        public new void U16(ushort value) => base.U16(value);

        public new void U32(uint value) => base.U32(value);

        public new void U64(ulong value) => base.U64(value);

        public void Data(byte[] data)
        {
            Bytes(data);
            Pad4(data.Length);
        }

        public void Option(ushort code, byte[] value)
        {
            U16(code);
            U16((ushort)value.Length);
            Data(value);
        }

        public void EndOfOptions()
        {
            U16(0);
            U16(0);
        }
    }
}
