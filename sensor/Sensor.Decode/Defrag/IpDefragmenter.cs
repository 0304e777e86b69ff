using Sensor.Core.Diagnostics;

namespace Sensor.Decode.Defrag;

/// <summary>
/// Reassembles IPv4 and IPv6 fragments under the caps of <see cref="DefragLimits"/>. Overlaps keep the
/// first data seen and report when later data differs (CVE-2024-37151-style evasion shows up as an anomaly).
/// </summary>
public sealed class IpDefragmenter
{
    private const int InitialBufferBytes = 2048;

    private readonly DefragLimits _limits;
    private readonly Dictionary<FragmentKey, FragmentTracker> _trackers = new();
    private FragmentTracker? _completed;
    private long _memory;

    public IpDefragmenter(DefragLimits limits)
    {
        _limits = limits;
    }

    public int TrackerCount => _trackers.Count;

    public long MemoryBytes => _memory;

    /// <summary>
    /// Adds one fragment described by <paramref name="packet"/>; <paramref name="fragmentData"/> is its data.
    /// On <see cref="DefragStatus.Complete"/>, <paramref name="datagram"/> is the reassembled payload, valid until the next call.
    /// </summary>
    public DefragStatus Add(in DecodedPacket packet, ReadOnlySpan<byte> fragmentData, long nowMicros, out ReadOnlyMemory<byte> datagram, out AnomalyKind? anomaly)
    {
        datagram = default;
        anomaly = null;
        ReleaseCompleted();

        if (packet.FragmentOffset + fragmentData.Length > _limits.MaxDatagramBytes)
        {
            anomaly = AnomalyKind.FragmentTooLarge;
            return DefragStatus.Dropped;
        }

        var key = new FragmentKey(packet.Source, packet.Destination, packet.FragmentId, packet.IpVersion == 4 ? packet.Protocol : (byte)0, packet.VlanId);
        if (!_trackers.TryGetValue(key, out var tracker))
        {
            if (_trackers.Count >= _limits.MaxTrackers)
            {
                anomaly = AnomalyKind.FragmentTrackersFull;
                return DefragStatus.Dropped;
            }

            if (_memory + InitialBufferBytes > _limits.MemoryCap)
            {
                anomaly = AnomalyKind.FragmentMemcap;
                return DefragStatus.Dropped;
            }

            tracker = new FragmentTracker(InitialBufferBytes, nowMicros);
            _memory += tracker.BufferSize;
            _trackers.Add(key, tracker);
        }

        // Grow first and count what the pool really handed out (it rounds up to a power of two, and the
        // tracker doubles), so the cap bounds the bytes held, not an estimate of them.
        _memory += tracker.EnsureCapacity(packet.FragmentOffset + fragmentData.Length);
        if (_memory > _limits.MemoryCap)
        {
            Remove(key, tracker);
            anomaly = AnomalyKind.FragmentMemcap;
            return DefragStatus.Dropped;
        }

        _memory += tracker.Add(packet.FragmentOffset, fragmentData, !packet.MoreFragments, out var differs);
        if (differs)
        {
            anomaly = AnomalyKind.FragmentOverlapDifferentData;
        }

        if (!tracker.IsComplete)
        {
            return DefragStatus.Pending;
        }

        _trackers.Remove(key);
        _memory -= tracker.BufferSize;
        _completed = tracker; // returned to the pool on the next call, after the caller used the bytes
        datagram = tracker.Payload;
        return DefragStatus.Complete;
    }

    /// <summary>Drops datagrams older than the timeout; returns how many were incomplete.</summary>
    public int Expire(long nowMicros)
    {
        if (_trackers.Count == 0)
        {
            return 0;
        }

        List<FragmentKey>? expired = null;
        foreach (var (key, tracker) in _trackers)
        {
            if (nowMicros - tracker.FirstSeenMicros > _limits.TimeoutMicros)
            {
                (expired ??= []).Add(key);
            }
        }

        if (expired is null)
        {
            return 0;
        }

        foreach (var key in expired)
        {
            Remove(key, _trackers[key]);
        }

        return expired.Count;
    }

    /// <summary>Releases everything at end of input; returns how many datagrams were still incomplete.</summary>
    public int Clear()
    {
        ReleaseCompleted();
        var incomplete = _trackers.Count;
        foreach (var tracker in _trackers.Values)
        {
            tracker.Release();
        }

        _trackers.Clear();
        _memory = 0;
        return incomplete;
    }

    private void Remove(FragmentKey key, FragmentTracker tracker)
    {
        _trackers.Remove(key);
        _memory -= tracker.BufferSize;
        tracker.Release();
    }

    private void ReleaseCompleted()
    {
        _completed?.Release();
        _completed = null;
    }
}
