using System.Buffers;
using Sensor.Core.Diagnostics;
using Sensor.Core.Streams;

namespace Sensor.Flows.Tcp;

/// <summary>
/// One direction of a TCP connection turned into in-order bytes for an <see cref="IStreamConsumer"/>.
/// <list type="bullet">
/// <item>In-order segments go to the consumer straight from the capture buffer (no copy).</item>
/// <item>Out-of-order segments are copied into pooled buffers, bounded per direction and globally.</item>
/// <item>Overlap policy: the first bytes seen for a sequence range win (BSD/"first" policy, as the
/// receiving Linux/BSD stacks keep already-queued data). Overlapping bytes that differ from buffered ones
/// raise <c>stream.overlap_different_data</c>; retransmissions of bytes already delivered are dropped and counted.</item>
/// <item>A hole becomes a gap (<see cref="IStreamConsumer.OnGap"/>) when the peer acknowledges data past it
/// while later data is buffered, when a cap is reached, or when the stream ends.</item>
/// </list>
/// Positions are 64-bit offsets from the first sequence number, so 4 GiB wrap-around is handled.
/// </summary>
internal sealed class TcpStreamReassembler
{
    private readonly Direction _direction;
    private readonly ReassemblyLimits _limits;
    private readonly ReassemblyMemory _memory;
    private readonly SensorCounters _counters;
    private readonly List<BufferedSegment> _segments = [];

    private uint _nextSeq;
    private long _nextOffset;
    private long _finOffset = -1;
    private long _ackedOffset;
    private int _bufferedBytes;

    public TcpStreamReassembler(Direction direction, ReassemblyLimits limits, ReassemblyMemory memory, SensorCounters counters)
    {
        _direction = direction;
        _limits = limits;
        _memory = memory;
        _counters = counters;
    }

    public bool IsInitialized { get; private set; }

    public bool IsEnded { get; private set; }

    public long DeliveredBytes => _nextOffset;

    public long GapBytes { get; private set; }

    public int BufferedBytes => _bufferedBytes;

    /// <summary>Starts the stream at a SYN (data begins at ISN + 1) or, picked up mid-stream, at the first segment seen.</summary>
    public void Initialize(uint sequence, bool syn)
    {
        _nextSeq = syn ? sequence + 1 : sequence;
        IsInitialized = true;
    }

    public void OnSegment(uint sequence, ReadOnlyMemory<byte> payload, bool fin, IStreamConsumer consumer, IStreamObserver observer)
    {
        if (IsEnded)
        {
            return;
        }

        var start = _nextOffset + (int)(sequence - _nextSeq);
        var end = start + payload.Length;
        if (fin && _finOffset < 0)
        {
            _finOffset = end;
        }

        if (payload.Length > 0)
        {
            if (end <= _nextOffset)
            {
                _counters.TcpRetransmissions++;
            }
            else if (start <= _nextOffset)
            {
                if (start < _nextOffset)
                {
                    _counters.TcpOverlaps++;
                }

                DeliverInOrder(start, payload, consumer, observer);
            }
            else
            {
                Buffer(start, payload, consumer, observer);
            }
        }

        EndIfFinished(consumer);
    }

    /// <summary>The other side acknowledged up to <paramref name="ack"/>: bytes before it reached the receiver.</summary>
    public void OnPeerAck(uint ack, IStreamConsumer consumer, IStreamObserver observer)
    {
        if (!IsInitialized || IsEnded)
        {
            return;
        }

        var acked = _nextOffset + (int)(ack - _nextSeq);
        if (acked <= _ackedOffset)
        {
            return;
        }

        _ackedOffset = acked;

        // A hole the receiver has already acknowledged will never be filled in this capture: skip it now
        // instead of holding later data until the end (SPAN loss; Suricata reassembly_gap).
        if (_segments.Count > 0 && acked > _nextOffset)
        {
            SkipTo(Math.Min(acked, _segments[0].Start), consumer, observer);
            Drain(consumer);
            EndIfFinished(consumer);
        }
    }

    /// <summary>Flushes what is buffered (holes become gaps) and ends the direction.</summary>
    public void Finish(EndReason reason, IStreamConsumer consumer, IStreamObserver observer)
    {
        if (IsEnded)
        {
            return;
        }

        while (_segments.Count > 0)
        {
            SkipTo(_segments[0].Start, consumer, observer);
            Drain(consumer);
        }

        // Bytes that the FIN or the peer's ACK prove were sent but that were never captured.
        var expectedEnd = _finOffset >= 0 ? _finOffset : _ackedOffset;
        if (expectedEnd > _nextOffset)
        {
            SkipTo(expectedEnd, consumer, observer);
        }

        IsEnded = true;
        consumer.OnEnd(_direction, _finOffset >= 0 && _nextOffset >= _finOffset ? EndReason.Fin : reason);
    }

    /// <summary>Returns every pooled buffer; used when a flow is dropped.</summary>
    public void Release()
    {
        foreach (var segment in _segments)
        {
            _memory.Release(segment.Data.Length);
            segment.Return();
        }

        _segments.Clear();
        _bufferedBytes = 0;
    }

    private void Deliver(ReadOnlyMemory<byte> bytes, IStreamConsumer consumer)
    {
        _nextOffset += bytes.Length;
        _nextSeq += (uint)bytes.Length;
        _counters.TcpBytesDelivered += bytes.Length;
        consumer.OnData(_direction, new ReadOnlySequence<byte>(bytes));
    }

    /// <summary>
    /// Delivers a segment that starts at or before the next expected byte. Where it runs into bytes already
    /// buffered from an earlier segment, those buffered bytes win (first-data policy) and a difference is reported.
    /// </summary>
    private void DeliverInOrder(long start, ReadOnlyMemory<byte> payload, IStreamConsumer consumer, IStreamObserver observer)
    {
        var end = start + payload.Length;
        while (_nextOffset < end)
        {
            if (_segments.Count > 0 && _segments[0].Start <= _nextOffset)
            {
                var segment = _segments[0];
                var overlapEnd = Math.Min(segment.End, end);
                if (overlapEnd > _nextOffset)
                {
                    _counters.TcpOverlaps++;
                    var theirs = segment.Span.Slice((int)(_nextOffset - segment.Start), (int)(overlapEnd - _nextOffset));
                    var ours = payload.Span.Slice((int)(_nextOffset - start), (int)(overlapEnd - _nextOffset));
                    if (!theirs.SequenceEqual(ours))
                    {
                        _counters.TcpOverlapsDifferentData++;
                        observer.OnStreamAnomaly(AnomalyKind.TcpOverlapDifferentData, overlapEnd - _nextOffset);
                    }
                }

                DeliverFirstSegment(consumer);
            }
            else
            {
                var stop = _segments.Count > 0 ? Math.Min(_segments[0].Start, end) : end;
                Deliver(payload[(int)(_nextOffset - start)..(int)(stop - start)], consumer);
            }
        }

        Drain(consumer);
    }

    private void Drain(IStreamConsumer consumer)
    {
        while (_segments.Count > 0 && _segments[0].Start <= _nextOffset)
        {
            DeliverFirstSegment(consumer);
        }
    }

    private void DeliverFirstSegment(IStreamConsumer consumer)
    {
        var segment = _segments[0];
        _segments.RemoveAt(0);
        _bufferedBytes -= segment.Length;
        if (segment.End > _nextOffset)
        {
            Deliver(segment.Data.AsMemory((int)(_nextOffset - segment.Start), (int)(segment.End - _nextOffset)), consumer);
        }

        _memory.Release(segment.Data.Length);
        segment.Return();
    }

    private void EndIfFinished(IStreamConsumer consumer)
    {
        if (_finOffset >= 0 && _nextOffset >= _finOffset && _segments.Count == 0)
        {
            IsEnded = true;
            consumer.OnEnd(_direction, EndReason.Fin);
        }
    }

    private void SkipTo(long offset, IStreamConsumer consumer, IStreamObserver observer)
    {
        if (offset > _nextOffset)
        {
            ReportGap(offset - _nextOffset, consumer, observer);
            _nextSeq += (uint)(offset - _nextOffset);
            _nextOffset = offset;
        }
    }

    private void ReportGap(long missing, IStreamConsumer consumer, IStreamObserver observer)
    {
        GapBytes += missing;
        _counters.TcpGaps++;
        _counters.TcpGapBytes += missing;
        observer.OnStreamAnomaly(AnomalyKind.TcpReassemblyGap, missing);
        consumer.OnGap(_direction, missing);
    }

    private void Buffer(long start, ReadOnlyMemory<byte> data, IStreamConsumer consumer, IStreamObserver observer)
    {
        _counters.TcpSegmentsOutOfOrder++;
        if (!OverCap(data.Length))
        {
            InsertUncovered(start, data.Span, observer);
            return;
        }

        observer.OnStreamAnomaly(_segments.Count >= _limits.MaxSegmentsPerDirection ? AnomalyKind.TcpSegmentsCap : AnomalyKind.TcpStreamMemcap, _bufferedBytes);

        // The holes have outlived what we are willing to hold: give them up as gaps, oldest first,
        // until this segment fits (one skip is not enough when many small segments sit behind many holes).
        while (OverCap(data.Length) && _segments.Count > 0 && _segments[0].Start < start)
        {
            SkipTo(_segments[0].Start, consumer, observer);
            Drain(consumer);
        }

        if (start > _nextOffset && !OverCap(data.Length))
        {
            InsertUncovered(start, data.Span, observer);
            return;
        }

        // Still too much to hold, or now next in line: deliver it straight from the capture buffer, past its own hole.
        SkipTo(start, consumer, observer);
        DeliverInOrder(start, data, consumer, observer);
    }

    private bool OverCap(int length) =>
        _bufferedBytes + length > _limits.MaxBufferedBytesPerDirection || _segments.Count >= _limits.MaxSegmentsPerDirection;

    /// <summary>Stores the parts of [start, start+len) that no buffered segment covers; compares the parts that are covered.</summary>
    private void InsertUncovered(long start, ReadOnlySpan<byte> data, IStreamObserver observer)
    {
        var end = start + data.Length;
        var cursor = start;
        var index = 0;
        while (index < _segments.Count && cursor < end)
        {
            var existing = _segments[index];
            if (existing.End <= cursor)
            {
                index++;
                continue;
            }

            if (existing.Start >= end)
            {
                break;
            }

            if (existing.Start > cursor)
            {
                if (!Store(index, cursor, data.Slice((int)(cursor - start), (int)(existing.Start - cursor)), observer))
                {
                    return;
                }

                index++;
                cursor = existing.Start;
                continue;
            }

            // Overlap with buffered bytes: first data wins, differences are an evasion signal.
            var overlapEnd = Math.Min(existing.End, end);
            _counters.TcpOverlaps++;
            var theirs = existing.Span.Slice((int)(cursor - existing.Start), (int)(overlapEnd - cursor));
            var ours = data.Slice((int)(cursor - start), (int)(overlapEnd - cursor));
            if (!theirs.SequenceEqual(ours))
            {
                _counters.TcpOverlapsDifferentData++;
                observer.OnStreamAnomaly(AnomalyKind.TcpOverlapDifferentData, overlapEnd - cursor);
            }

            cursor = overlapEnd;
            index++;
        }

        if (cursor < end)
        {
            Store(index, cursor, data[(int)(cursor - start)..], observer);
        }
    }

    private bool Store(int index, long start, ReadOnlySpan<byte> bytes, IStreamObserver observer)
    {
        var segment = BufferedSegment.Copy(start, bytes);
        if (!_memory.TryReserve(segment.Data.Length))
        {
            // Global reassembly memcap: drop the segment; the hole it leaves is reported as a gap later.
            segment.Return();
            observer.OnStreamAnomaly(AnomalyKind.TcpGlobalMemcap, bytes.Length);
            return false;
        }

        _segments.Insert(index, segment);
        _bufferedBytes += bytes.Length;
        return true;
    }
}
