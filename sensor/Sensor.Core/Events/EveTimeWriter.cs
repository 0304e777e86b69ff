namespace Sensor.Core.Events;

/// <summary>
/// Writes <see cref="EveTime"/> times, reusing the date and clock of the previous call when the second is the same:
/// events come in packet order, so consecutive events (and a flow event's start and end) mostly share their second,
/// and only the six microsecond digits are new. Not thread-safe: one per sink or per builder.
/// </summary>
public sealed class EveTimeWriter
{
    /// <summary><c>2026-11-24T10:00:00.</c>: the part of the time that changes once a second.</summary>
    private const int SecondPrefixLength = 20;

    private readonly byte[] _prefix = new byte[SecondPrefixLength];

    /// <summary>Whole seconds since the epoch that <see cref="_prefix"/> holds; -1 before the first call.</summary>
    private long _second = -1;

    /// <summary>Writes the <see cref="EveTime.Length"/> ASCII bytes of <paramref name="unixMicros"/>, the same as <see cref="EveTime.WriteUtf8"/>.</summary>
    public void Write(long unixMicros, Span<byte> destination)
    {
        if (unixMicros < 0)
        {
            // Before the epoch the second and microsecond parts do not split by plain division: the slow path.
            EveTime.WriteUtf8(unixMicros, destination);
            return;
        }

        var second = unixMicros / 1_000_000;
        if (second != _second)
        {
            EveTime.WriteUtf8(unixMicros, destination);
            destination[..SecondPrefixLength].CopyTo(_prefix);
            _second = second;
            return;
        }

        _prefix.CopyTo(destination);
        EveTime.Digits(destination.Slice(SecondPrefixLength, 6), (int)(unixMicros - (second * 1_000_000)));
        EveTime.Offset.CopyTo(destination[(SecondPrefixLength + 6)..]);
    }
}
