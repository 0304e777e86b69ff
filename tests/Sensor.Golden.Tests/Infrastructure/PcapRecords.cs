using System.Buffers.Binary;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>
/// The record layout of a classic pcap file (draft-ietf-opsawg-pcap), read independently of the sensor:
/// a 24-byte file header, then per record a 16-byte header (ts_sec, ts_usec, incl_len, orig_len) and the data.
/// Only what the tests need: where each record starts and its time.
/// </summary>
internal static class PcapRecords
{
    public const int FileHeaderLength = 24;
    public const int RecordHeaderLength = 16;

    public readonly record struct Record(long Offset, int Length, long TimestampMicros);

    public static IReadOnlyList<Record> Read(byte[] file)
    {
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        var bigEndian = magic switch
        {
            0xA1B2C3D4 => false,
            0xD4C3B2A1 => true,
            _ => throw new InvalidDataException($"not a microsecond classic pcap (magic 0x{magic:x8})"),
        };

        uint U32(int at) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));

        var records = new List<Record>();
        var offset = FileHeaderLength;
        while (offset + RecordHeaderLength <= file.Length)
        {
            var included = (int)U32(offset + 8);
            if (offset + RecordHeaderLength + included > file.Length)
            {
                break;
            }

            records.Add(new Record(offset, RecordHeaderLength + included, (U32(offset) * 1_000_000L) + U32(offset + 4)));
            offset += RecordHeaderLength + included;
        }

        return records;
    }
}
