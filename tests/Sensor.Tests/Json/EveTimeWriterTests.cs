using System.Text;
using Sensor.Core.Events;

namespace Sensor.Tests.Json;

/// <summary>The second cache against <see cref="EveTime.WriteUtf8"/>: same second, next second, backwards, day and year ends, before the epoch.</summary>
public sealed class EveTimeWriterTests
{
    [Fact]
    public void EveryTime_IsEveTimesBytes_WhateverCameBefore()
    {
        long[] times =
        [
            1_795_494_802_375_071, 1_795_494_802_375_072, 1_795_494_802_000_000, 1_795_494_802_999_999, 1_795_494_803_000_000,
            1_795_494_802_375_071, 0, 999_999, 1_000_000, -1, -1_000_000, -1_500_000, 86_399_999_999, 86_400_000_000,
            1_704_067_199_999_999, 1_704_067_200_000_000, 1_704_067_200_000_001, 253_402_300_799_999_999,
        ];
        var random = new Random(7);
        var sequence = times.Concat(Enumerable.Range(0, 2000).Select(i => 1_795_494_800_000_000 + (i * 1_000L) + random.Next(-3_000_000, 3_000_000)));
        var writer = new EveTimeWriter();
        Span<byte> actual = stackalloc byte[EveTime.Length];
        Span<byte> expected = stackalloc byte[EveTime.Length];
        foreach (var micros in sequence)
        {
            writer.Write(micros, actual);
            EveTime.WriteUtf8(micros, expected);
            Assert.Equal(Encoding.ASCII.GetString(expected), Encoding.ASCII.GetString(actual));
        }
    }
}
