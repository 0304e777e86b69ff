using System.Buffers;
using System.Collections.Concurrent;
using Sensor.Core.Diagnostics;
using Sensor.Decode.Link;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Sensor.Capture.Live;

/// <summary>
/// Live capture through SharpPcap/libpcap. The capture thread only copies each frame into a pooled
/// buffer and offers it to a bounded queue; a full queue is counted (<c>capture.queue_drops</c>) and
/// never blocks capture (architecture.md, Threading). Immediate mode avoids libpcap's read-timeout
/// batching (sharppcap#536).
/// </summary>
public sealed class LiveCapture : IDisposable
{
    private readonly LibPcapLiveDevice _device;
    private readonly BlockingCollection<LiveFrame> _queue;
    private readonly CaptureCounters _counters;
    private volatile bool _stopped;

    private LiveCapture(LibPcapLiveDevice device, LiveCaptureOptions options, CaptureCounters counters)
    {
        _device = device;
        _counters = counters;
        _queue = new BlockingCollection<LiveFrame>(new ConcurrentQueue<LiveFrame>(), options.QueueCapacity);
        LinkType = (LinkType)(ushort)(int)device.LinkType;
    }

    public LinkType LinkType { get; }

    public string Name => _device.Name;

    /// <summary>Opens the interface and applies the filter. Returns null with a one-line reason on failure.</summary>
    public static LiveCapture? Open(LiveCaptureOptions options, CaptureCounters counters, out string? error)
    {
        error = null;
        if (!LibPcapAvailability.IsAvailable())
        {
            error = LibPcapAvailability.MissingMessage;
            return null;
        }

        LibPcapLiveDevice? device;
        try
        {
            device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == options.Interface);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or PcapException)
        {
            error = LibPcapAvailability.MissingMessage;
            return null;
        }

        if (device is null)
        {
            error = $"no capture interface named '{options.Interface}' (see `ip link`)";
            return null;
        }

        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                Snaplen = options.SnapLength,
                BufferSize = options.KernelBufferBytes,
                ReadTimeout = 100,
                Immediate = true,
            });
            if (!string.IsNullOrWhiteSpace(options.Filter))
            {
                device.Filter = options.Filter;
            }
        }
        catch (PcapException e)
        {
            // libpcap's own words: permission denied, no such device, bad filter expression.
            device.Close();
            error = $"cannot capture on {options.Interface}: {e.Message}";
            return null;
        }

        var capture = new LiveCapture(device, options, counters);
        device.OnPacketArrival += capture.OnPacketArrival;
        return capture;
    }

    public void Start() => _device.StartCapture();

    /// <summary>Stops libpcap; frames already queued can still be taken.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            _device.StopCapture();
        }
        catch (PcapException)
        {
            // Stopping a device that already failed: nothing more to do.
        }

        RefreshStatistics();
        _queue.CompleteAdding();
    }

    /// <summary>Takes the next frame; false after <paramref name="timeoutMs"/> or when stopped and drained.</summary>
    public bool TryTake(out LiveFrame frame, int timeoutMs) => _queue.TryTake(out frame, timeoutMs);

    public bool IsDrained => _queue.IsCompleted;

    /// <summary>Copies libpcap's cumulative counters (ps_recv, ps_drop, ps_ifdrop) into the capture counters.</summary>
    public void RefreshStatistics()
    {
        try
        {
            var statistics = _device.Statistics;
            if (statistics is not null)
            {
                Volatile.Write(ref _counters.KernelPackets, statistics.ReceivedPackets);
                Volatile.Write(ref _counters.KernelDrops, statistics.DroppedPackets);
                Volatile.Write(ref _counters.KernelInterfaceDrops, statistics.InterfaceDroppedPackets);
            }
        }
        catch (PcapException)
        {
            // Some devices (e.g. "any" on old kernels) have no statistics; the counters stay 0.
        }
    }

    public void Dispose()
    {
        Stop();
        while (_queue.TryTake(out var frame))
        {
            frame.Return();
        }

        _device.Close();
        _queue.Dispose();
    }

    private void OnPacketArrival(object sender, PacketCapture capture)
    {
        // Runs on SharpPcap's capture thread: copy and hand off, nothing else (capture.Data is only valid here).
        var data = capture.Data;
        var header = capture.Header;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(data.Length, 1));
        data.CopyTo(buffer);
        var micros = ((long)header.Timeval.Seconds * 1_000_000) + (long)header.Timeval.MicroSeconds;
        var original = header is PcapHeader pcapHeader ? (int)Math.Min(pcapHeader.PacketLength, int.MaxValue) : data.Length;
        var frame = new LiveFrame(buffer, data.Length, micros, original);
        if (_stopped || !_queue.TryAdd(frame))
        {
            Interlocked.Increment(ref _counters.QueueDrops);
            frame.Return();
        }
    }
}
