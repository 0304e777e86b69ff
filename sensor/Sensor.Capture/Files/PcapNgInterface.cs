using Sensor.Decode.Link;

namespace Sensor.Capture.Files;

/// <summary>What an Interface Description Block says about the packets that name it.</summary>
internal readonly record struct PcapNgInterface(LinkType LinkType, uint SnapLength, long UnitsPerSecond, bool PowerOfTwo, long OffsetSeconds)
{
    /// <summary>Converts a 64-bit timestamp in this interface's resolution to Unix microseconds.</summary>
    public long ToMicros(ulong units)
    {
        if (UnitsPerSecond == 1_000_000)
        {
            return (long)units + (OffsetSeconds * 1_000_000);
        }

        var seconds = units / (ulong)UnitsPerSecond;
        var remainder = units % (ulong)UnitsPerSecond;
        var micros = (long)((UInt128)remainder * 1_000_000 / (ulong)UnitsPerSecond);
        return ((long)seconds + OffsetSeconds) * 1_000_000 + micros;
    }
}
