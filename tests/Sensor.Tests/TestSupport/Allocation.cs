namespace Sensor.Tests.TestSupport;

/// <summary>Measures managed bytes allocated by this thread, after one warm-up run so JIT and type loading do not count.</summary>
internal static class Allocation
{
    /// <summary>Well under the 1 MiB record cap and the 4 MiB read buffer: proves no length from the file drove an allocation.</summary>
    public const long SmallBytes = 128 * 1024;

    public static long Measure(Action action)
    {
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public static void AssertSmall(long allocated) =>
        Assert.True(allocated < SmallBytes, $"allocated {allocated} bytes reading a tiny file");
}
