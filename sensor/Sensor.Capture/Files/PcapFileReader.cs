using System.Buffers.Binary;
using Sensor.Core.Diagnostics;
using Sensor.Decode.Link;

namespace Sensor.Capture.Files;

/// <summary>
/// Classic libpcap files (draft-ietf-opsawg-pcap): microsecond and nanosecond magic, either byte order.
/// </summary>
internal sealed class PcapFileReader : IPacketSource
{
    // File header: magic(4) version_major(2) version_minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4)
    public const int FileHeaderLength = 24;

    // Record header: ts_sec(4) ts_frac(4) incl_len(4) orig_len(4)
    private const int RecordHeaderLength = 16;

    public const uint MagicMicros = 0xA1B2C3D4;
    public const uint MagicNanos = 0xA1B23C4D;

    private readonly BufferedInput _input;
    private readonly bool _bigEndian;
    private readonly bool _nanos;
    private readonly LinkType _linkType;
    private bool _ended;

    public PcapFileReader(string name, BufferedInput input, ReadOnlySpan<byte> header)
    {
        Name = name;
        _input = input;
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        _bigEndian = magic is not (MagicMicros or MagicNanos);
        if (_bigEndian)
        {
            magic = BinaryPrimitives.ReverseEndianness(magic);
        }

        _nanos = magic == MagicNanos;
        SnapLength = ReadUInt32(header[16..]);

        // The upper 16 bits of the link-type field carry FCS information (pcap spec §4); the type is the low 16.
        _linkType = (LinkType)(ReadUInt32(header[20..]) & 0xFFFF);
    }

    public string Name { get; }

    public long Position => _input.Consumed;

    public uint SnapLength { get; }

    public IReadOnlyList<DecryptionSecret> DecryptionSecrets => [];

    public LinkType LinkType => _linkType;

    public static bool IsPcapMagic(uint littleEndianMagic) =>
        littleEndianMagic is MagicMicros or MagicNanos ||
        BinaryPrimitives.ReverseEndianness(littleEndianMagic) is MagicMicros or MagicNanos;

    public ReadResult Read(out CapturedFrame frame, out AnomalyKind anomaly)
    {
        frame = default;
        anomaly = default;
        if (_ended)
        {
            return ReadResult.End;
        }

        if (!_input.Ensure(RecordHeaderLength))
        {
            return EndWith(_input.Available > 0, out anomaly);
        }

        var header = _input.Peek(RecordHeaderLength);
        var seconds = ReadUInt32(header);
        var fraction = ReadUInt32(header[4..]);
        var included = ReadUInt32(header[8..]);
        var original = ReadUInt32(header[12..]);
        if (included > CaptureLimits.MaxRecordBytes)
        {
            // Classic pcap has no record markers: after an absurd length we cannot find the next record.
            _ended = true;
            anomaly = AnomalyKind.CaptureRecordTooLarge;
            return ReadResult.Anomaly;
        }

        if (!_input.Ensure(RecordHeaderLength + (int)included))
        {
            return EndWith(true, out anomaly);
        }

        var micros = (seconds * 1_000_000L) + (_nanos ? fraction / 1000 : fraction);
        frame = new CapturedFrame(_input.PeekMemory(RecordHeaderLength, (int)included), micros, (int)Math.Min(original, int.MaxValue), _linkType);
        _input.Advance(RecordHeaderLength + (int)included);
        return ReadResult.Packet;
    }

    public void Dispose() => _input.Dispose();

    private ReadResult EndWith(bool truncated, out AnomalyKind anomaly)
    {
        _ended = true;
        anomaly = _input.Failed ? AnomalyKind.CaptureDecompressionError : AnomalyKind.CaptureTruncatedRecord;
        return truncated || _input.Failed ? ReadResult.Anomaly : ReadResult.End;
    }

    private uint ReadUInt32(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
