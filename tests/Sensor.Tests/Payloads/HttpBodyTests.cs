using Sensor.Core.Payloads;

namespace Sensor.Tests.Payloads;

/// <summary>
/// HttpBody keeps the first <c>cap</c> decoded bytes however they arrive: in any chunking, after a Reserve hint of any
/// size, with Content read (and so joined) at any point in between. The reference is the bytes concatenated and cut.
/// </summary>
public sealed class HttpBodyTests
{
    [Fact]
    public void RandomChunking_RandomCaps_RandomReserves_AndReadsBetween_KeepExactlyThePrefix()
    {
        var random = new Random(20261124);
        for (var round = 0; round < 400; round++)
        {
            var data = new byte[random.Next(0, 6000)];
            random.NextBytes(data);
            var cap = random.Next(4) == 0 ? random.Next(1, 600) : random.Next(1, 10_000);
            var body = new HttpBody();
            if (random.Next(3) == 0)
            {
                body.Reserve(random.Next(0, 8000), cap);
            }

            var at = 0;
            while (at < data.Length)
            {
                var take = Math.Min(data.Length - at, random.Next(0, random.Next(2) == 0 ? 40 : 1500));
                body.Append(data.AsSpan(at, take), cap);
                at += take;
                if (random.Next(8) == 0)
                {
                    // A read mid-body joins what is held; later bytes must still follow it.
                    Assert.Equal(data.AsSpan(0, Math.Min(at, cap)).ToArray(), body.Content.ToArray());
                }
            }

            var kept = Math.Min(data.Length, cap);
            Assert.Equal(kept, body.Length);
            Assert.Equal(data.AsSpan(0, kept).ToArray(), body.Content.ToArray());
            Assert.Equal(data.Length, body.DecodedLength);
            Assert.Equal(data.Length > cap, body.Truncated);
        }
    }

    [Fact]
    public void ContentReadEarlier_StaysValid_AfterMoreIsAppended()
    {
        var body = new HttpBody();
        body.Append("first "u8, 1 << 20);
        var early = body.Content;
        for (var i = 0; i < 100; i++)
        {
            body.Append("and more "u8, 1 << 20);
        }

        Assert.Equal("first "u8.ToArray(), early.ToArray());
        Assert.Equal(6 + (100 * 9), body.Content.Length);
    }
}
