namespace Sensor.Core.Diagnostics;

/// <summary>
/// Counters of the capture side: files read and, in live mode, what libpcap and the hand-off queue
/// dropped. Written by the capture thread, read by the stats writer, hence Interlocked/volatile use.
/// </summary>
public sealed class CaptureCounters
{
    public long FilesRead;
    public long FilesFailed;
    public long BytesRead;
    public long Records;

    /// <summary>libpcap <c>ps_recv</c>, <c>ps_drop</c> and <c>ps_ifdrop</c> (cumulative, live only).</summary>
    public long KernelPackets;
    public long KernelDrops;
    public long KernelInterfaceDrops;

    /// <summary>Frames dropped because the worker queue was full (capture never blocks).</summary>
    public long QueueDrops;
}
