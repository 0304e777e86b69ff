using System.Buffers.Binary;
using Sensor.Core.Diagnostics;
using Sensor.Decode.Link;

namespace Sensor.Capture.Files;

/// <summary>
/// pcapng (draft-ietf-opsawg-pcapng): Section Header (either byte order, several sections), Interface
/// Description (link type, if_tsresol, if_tsoffset), Enhanced, Simple and obsolete Packet Blocks, and
/// Decryption Secrets Blocks kept for TLS decryption. Other blocks are skipped.
/// </summary>
internal sealed class PcapNgFileReader : IPacketSource
{
    // Every block: type(4) total_length(4) body... total_length(4)
    private const int BlockOverhead = 12;
    public const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionType = 0x00000001;
    private const uint ObsoletePacketType = 0x00000002;
    private const uint SimplePacketType = 0x00000003;
    private const uint EnhancedPacketType = 0x00000006;
    private const uint DecryptionSecretsType = 0x0000000A;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    // Option codes of the IDB (pcapng §4.2).
    private const ushort OptionEnd = 0;
    private const ushort OptionTsResolution = 9;
    private const ushort OptionTsOffset = 14;

    /// <summary>Bounds memory held by secrets of a hostile file; real key logs are a few KiB per session.</summary>
    private const int MaxSecretsBytes = 16 * 1024 * 1024;

    private readonly BufferedInput _input;
    private readonly List<PcapNgInterface> _interfaces = [];
    private readonly List<DecryptionSecret> _secrets = [];
    private bool _bigEndian;
    private bool _ended;
    private long _secretsBytes;

    public PcapNgFileReader(string name, BufferedInput input)
    {
        Name = name;
        _input = input;
    }

    public string Name { get; }

    public long Position => _input.Consumed;

    public IReadOnlyList<DecryptionSecret> DecryptionSecrets => _secrets;

    public ReadResult Read(out CapturedFrame frame, out AnomalyKind anomaly)
    {
        frame = default;
        anomaly = default;
        while (!_ended)
        {
            if (!_input.Ensure(8))
            {
                return End(_input.Available > 0, AnomalyKind.CaptureTruncatedRecord, out anomaly);
            }

            var head = _input.Peek(8);
            var type = ReadUInt32(head);
            if (type == SectionHeaderType)
            {
                // The byte-order magic after the length decides how this section is read.
                if (!_input.Ensure(12))
                {
                    return End(true, AnomalyKind.CaptureTruncatedRecord, out anomaly);
                }

                var magic = BinaryPrimitives.ReadUInt32LittleEndian(_input.Peek(12)[8..]);
                if (magic != ByteOrderMagic && BinaryPrimitives.ReverseEndianness(magic) != ByteOrderMagic)
                {
                    return End(true, AnomalyKind.CaptureBadBlock, out anomaly);
                }

                _bigEndian = magic != ByteOrderMagic;
                _interfaces.Clear();
            }

            var length = ReadUInt32(_input.Peek(8)[4..]);
            if (length < BlockOverhead || length % 4 != 0)
            {
                // Without a trustworthy length the next block cannot be found.
                return End(true, AnomalyKind.CaptureBadBlock, out anomaly);
            }

            if (length > CaptureLimits.MaxRecordBytes)
            {
                if (type is EnhancedPacketType or SimplePacketType or ObsoletePacketType or DecryptionSecretsType)
                {
                    return End(true, AnomalyKind.CaptureRecordTooLarge, out anomaly);
                }

                // A large block we do not read (custom, journal export): skip it without buffering it.
                if (!_input.Skip(length))
                {
                    return End(true, AnomalyKind.CaptureTruncatedRecord, out anomaly);
                }

                continue;
            }

            if (!_input.Ensure((int)length))
            {
                return End(true, AnomalyKind.CaptureTruncatedRecord, out anomaly);
            }

            var body = _input.Peek((int)length)[8..^4];
            var result = ReadBlock(type, body, (int)length, out frame, out anomaly);
            _input.Advance((int)length);
            if (result != null)
            {
                return result.Value;
            }
        }

        return ReadResult.End;
    }

    public void Dispose() => _input.Dispose();

    /// <summary>Handles one block; returns null for blocks that yield nothing (headers, secrets, skipped types).</summary>
    private ReadResult? ReadBlock(uint type, ReadOnlySpan<byte> body, int blockLength, out CapturedFrame frame, out AnomalyKind anomaly)
    {
        frame = default;
        anomaly = default;
        switch (type)
        {
            case InterfaceDescriptionType:
                // link_type(2) reserved(2) snaplen(4) options...
                if (body.Length < 8)
                {
                    anomaly = AnomalyKind.CaptureBadBlock;
                    return ReadResult.Anomaly;
                }

                _interfaces.Add(ReadInterface(body));
                return null;

            case EnhancedPacketType:
            {
                // interface_id(4) ts_high(4) ts_low(4) captured_len(4) original_len(4) data... options
                if (body.Length < 20)
                {
                    anomaly = AnomalyKind.CaptureBadBlock;
                    return ReadResult.Anomaly;
                }

                var interfaceId = ReadUInt32(body);
                var units = ((ulong)ReadUInt32(body[4..]) << 32) | ReadUInt32(body[8..]);
                var captured = ReadUInt32(body[12..]);
                var original = ReadUInt32(body[16..]);
                return Frame(interfaceId, units, captured, original, body.Length - 20, 8 + 20, out frame, out anomaly);
            }

            case ObsoletePacketType:
            {
                // interface_id(2) drops_count(2) ts_high(4) ts_low(4) captured_len(4) packet_len(4) data...
                if (body.Length < 20)
                {
                    anomaly = AnomalyKind.CaptureBadBlock;
                    return ReadResult.Anomaly;
                }

                var interfaceId = (uint)(_bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(body) : BinaryPrimitives.ReadUInt16LittleEndian(body));
                var units = ((ulong)ReadUInt32(body[4..]) << 32) | ReadUInt32(body[8..]);
                return Frame(interfaceId, units, ReadUInt32(body[12..]), ReadUInt32(body[16..]), body.Length - 20, 8 + 20, out frame, out anomaly);
            }

            case SimplePacketType:
            {
                // original_len(4) data...: captured length is min(original, snaplen, what the block holds); no timestamp.
                if (body.Length < 4 || _interfaces.Count == 0)
                {
                    anomaly = _interfaces.Count == 0 ? AnomalyKind.CaptureUnknownInterface : AnomalyKind.CaptureBadBlock;
                    return ReadResult.Anomaly;
                }

                var original = ReadUInt32(body);
                var snap = _interfaces[0].SnapLength == 0 ? uint.MaxValue : _interfaces[0].SnapLength;
                var captured = Math.Min(Math.Min(original, snap), (uint)(body.Length - 4));
                frame = new CapturedFrame(_input.PeekMemory(8 + 4, (int)captured), 0, (int)Math.Min(original, int.MaxValue), _interfaces[0].LinkType);
                return ReadResult.Packet;
            }

            case DecryptionSecretsType:
                // secrets_type(4) secrets_length(4) data...
                if (body.Length < 8 || ReadUInt32(body[4..]) > body.Length - 8)
                {
                    anomaly = AnomalyKind.CaptureBadBlock;
                    return ReadResult.Anomaly;
                }

                var secretLength = (int)ReadUInt32(body[4..]);
                if (_secretsBytes + secretLength <= MaxSecretsBytes)
                {
                    _secretsBytes += secretLength;
                    _secrets.Add(new DecryptionSecret(ReadUInt32(body), body.Slice(8, secretLength).ToArray()));
                }

                return null;

            default:
                _ = blockLength;
                return null;
        }
    }

    private ReadResult Frame(uint interfaceId, ulong units, uint captured, uint original, int room, int dataOffset, out CapturedFrame frame, out AnomalyKind anomaly)
    {
        frame = default;
        anomaly = default;
        if (interfaceId >= (uint)_interfaces.Count)
        {
            anomaly = AnomalyKind.CaptureUnknownInterface;
            return ReadResult.Anomaly;
        }

        if (captured > room)
        {
            anomaly = AnomalyKind.CaptureBadBlock;
            return ReadResult.Anomaly;
        }

        var description = _interfaces[(int)interfaceId];
        frame = new CapturedFrame(_input.PeekMemory(dataOffset, (int)captured), description.ToMicros(units), (int)Math.Min(original, int.MaxValue), description.LinkType);
        return ReadResult.Packet;
    }

    private PcapNgInterface ReadInterface(ReadOnlySpan<byte> body)
    {
        var linkType = (LinkType)(_bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(body) : BinaryPrimitives.ReadUInt16LittleEndian(body));
        var snapLength = ReadUInt32(body[4..]);
        long unitsPerSecond = 1_000_000;
        var powerOfTwo = false;
        long offsetSeconds = 0;

        // Options: code(2) length(2) value padded to 4.
        var options = body[8..];
        while (options.Length >= 4)
        {
            var code = _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(options) : BinaryPrimitives.ReadUInt16LittleEndian(options);
            int length = _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(options[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(options[2..]);
            if (code == OptionEnd || 4 + length > options.Length)
            {
                break;
            }

            var value = options.Slice(4, length);
            if (code == OptionTsResolution && length >= 1)
            {
                // MSB clear: 10^-n seconds; MSB set: 2^-n. Anything beyond nanoseconds-ish is clamped to keep the math in range.
                var exponent = value[0] & 0x7F;
                powerOfTwo = (value[0] & 0x80) != 0;
                unitsPerSecond = powerOfTwo ? 1L << Math.Min(exponent, 62) : (long)Math.Pow(10, Math.Min(exponent, 18));
            }
            else if (code == OptionTsOffset && length >= 8)
            {
                offsetSeconds = _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(value) : BinaryPrimitives.ReadInt64LittleEndian(value);
            }

            options = options[Math.Min(options.Length, 4 + ((length + 3) & ~3))..];
        }

        return new PcapNgInterface(linkType, snapLength, Math.Max(1, unitsPerSecond), powerOfTwo, offsetSeconds);
    }

    private ReadResult End(bool problem, AnomalyKind kind, out AnomalyKind anomaly)
    {
        _ended = true;
        anomaly = _input.Failed ? AnomalyKind.CaptureDecompressionError : kind;
        return problem || _input.Failed ? ReadResult.Anomaly : ReadResult.End;
    }

    private uint ReadUInt32(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
