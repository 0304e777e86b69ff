using Sensor.Capture;
using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;
using Sensor.Decode.Link;

namespace Sensor.Tests.TestSupport;

/// <summary>One result of <see cref="IPacketSource.Read"/>, with the frame bytes copied out of the reader's buffer.</summary>
internal sealed record ReadItem(ReadResult Result, byte[] Data, long Micros, int OriginalLength, LinkType LinkType, AnomalyKind Anomaly)
{
    public override string ToString() => Result switch
    {
        ReadResult.Packet => $"Packet({Data.Length}B, {Micros}us, {LinkType})",
        ReadResult.Anomaly => $"Anomaly({Anomaly})",
        _ => "End",
    };
}

internal static class CaptureReading
{
    /// <summary>Opens bytes as a capture; fails the test with the reader's error when it refuses them.</summary>
    public static IPacketSource Open(byte[] bytes, string name = "test.cap")
    {
        var source = CaptureFile.Open(name, new MemoryStream(bytes, writable: false), bytes.Length, out var error);
        Assert.True(source is not null, $"Open failed: {error}");
        return source!;
    }

    /// <summary>Reads until End (inclusive). A reader that never ends fails the test instead of hanging it.</summary>
    public static List<ReadItem> ReadAll(IPacketSource source, int maxReads = 100_000)
    {
        var items = new List<ReadItem>();
        for (var i = 0; i < maxReads; i++)
        {
            var result = source.Read(out var frame, out var anomaly);
            items.Add(result == ReadResult.Packet
                ? new ReadItem(result, frame.Data.ToArray(), frame.TimestampMicros, frame.OriginalLength, frame.LinkType, default)
                : new ReadItem(result, [], 0, 0, default, result == ReadResult.Anomaly ? anomaly : default));
            if (result == ReadResult.End)
            {
                return items;
            }
        }

        Assert.Fail($"No End after {maxReads} reads");
        return items;
    }

    public static List<ReadItem> ReadAll(byte[] bytes, string name = "test.cap")
    {
        using var source = Open(bytes, name);
        return ReadAll(source);
    }

    public static List<ReadItem> Packets(this List<ReadItem> items) => items.Where(i => i.Result == ReadResult.Packet).ToList();
}
