using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Decode;
using Sensor.Decode.Defrag;
using Sensor.Decode.Link;
using Sensor.Flows;

namespace Sensor.Engine;

/// <summary>
/// One worker's passive pipeline: decode (L2-L4) -> IP defragmentation -> flow table -> TCP reassembly
/// -> stream consumers. Single-threaded by design: one worker owns its flows (architecture.md, Threading).
/// </summary>
public sealed class PacketProcessor
{
    private readonly EngineOptions _options;
    private readonly CountingEventSink _counting;
    private readonly IEventSink _sink;
    private readonly IpDefragmenter _defragmenter;
    private DecodedPacket _packet;
    private long _lastHousekeeping;

    public PacketProcessor(EngineOptions options, IEventSink sink, CaptureCounters? captureCounters = null, IStreamConsumerFactory? consumers = null)
        : this(options, sink, captureCounters, consumers is null ? null : _ => consumers)
    {
    }

    /// <summary>
    /// A processor whose application layer is built from this worker's <see cref="StreamContext"/>
    /// (its event sink, anomaly reporter and packet clock): the host passes e.g. <c>ctx => new AppLayerFactory(ctx)</c>.
    /// <paramref name="inspection"/> wraps the event path after the sessions (e.g. AI attribution), ahead of the
    /// event counters, so the events it adds are counted like any other.
    /// </summary>
    public PacketProcessor(
        EngineOptions options,
        IEventSink sink,
        CaptureCounters? captureCounters,
        Func<StreamContext, IStreamConsumerFactory>? appLayer,
        Func<IEventSink, IEventSink>? inspection = null)
    {
        _options = options;
        Counters = new SensorCounters();
        CaptureCounters = captureCounters ?? new CaptureCounters();
        _counting = new CountingEventSink(sink, Counters);
        _sink = inspection?.Invoke(_counting) ?? _counting;
        Anomalies = new AnomalyReporter(_sink, Counters, options.MaxAnomalyEventsPerKind);
        Context = new StreamContext(_sink, Anomalies, Clock);
        Flows = new FlowTable(options.Flows, _sink, Anomalies, Counters, appLayer?.Invoke(Context));
        _defragmenter = new IpDefragmenter(options.Defrag);
    }

    /// <summary>The time of the packet being processed, for stages that only see bytes.</summary>
    public PacketClock Clock { get; } = new();

    public StreamContext Context { get; }

    public SensorCounters Counters { get; }

    public CaptureCounters CaptureCounters { get; }

    public AnomalyReporter Anomalies { get; }

    public FlowTable Flows { get; }

    /// <summary>The latest packet time seen (capture files may be slightly out of order).</summary>
    public long NowMicros { get; private set; }

    /// <summary>Time of the first packet, 0 before any.</summary>
    public long FirstMicros { get; private set; }

    public void Process(LinkType linkType, long timestampMicros, ReadOnlyMemory<byte> frame)
    {
        var counters = Counters;
        counters.Packets++;
        counters.Bytes += frame.Length;
        Clock.NowMicros = timestampMicros;
        if (FirstMicros == 0)
        {
            FirstMicros = timestampMicros;
            _lastHousekeeping = timestampMicros;
        }

        if (timestampMicros > NowMicros)
        {
            NowMicros = timestampMicros;
            if (timestampMicros - _lastHousekeeping >= _options.HousekeepingIntervalMicros)
            {
                Housekeeping();
            }
        }

        ref var packet = ref _packet;
        var status = PacketDecoder.Decode(linkType, frame.Span, ref packet);
        switch (status)
        {
            case DecodeStatus.Ok:
                OnDecoded(ref packet, frame, frame.Length, timestampMicros);
                break;
            case DecodeStatus.Fragment:
                OnFragment(ref packet, frame, timestampMicros);
                break;
            case DecodeStatus.NotIp:
                counters.NonIp++;
                break;
            case DecodeStatus.UnsupportedLink:
                counters.Invalid++;
                Anomalies.Report(AnomalyKind.CaptureUnsupportedLinkType, timestampMicros, value: (long)linkType);
                break;
            default:
                counters.Invalid++;
                Anomalies.Report(packet.Anomaly, timestampMicros);
                break;
        }
    }

    /// <summary>A problem the packet source found (truncated record, bad block...).</summary>
    public void ReportCaptureAnomaly(AnomalyKind kind, string source) => Anomalies.Report(kind, NowMicros, source: source);

    /// <summary>End of input: flushes fragments and flows, then writes the final stats event.</summary>
    public void Finish()
    {
        var incomplete = _defragmenter.Clear();
        for (var i = 0; i < incomplete; i++)
        {
            Anomalies.Report(AnomalyKind.FragmentIncomplete, NowMicros);
        }

        Flows.Flush(NowMicros);
        WriteStats(final: true);
        _sink.Flush();
    }

    public void WriteStats(bool final)
    {
        Counters.FlowMemoryBytes = (long)Flows.Count * _options.Flows.BytesPerFlow;
        Counters.TcpReassemblyMemoryBytes = Flows.ReassemblyMemoryInUse;
        Counters.TcpReassemblyMemoryPeak = Flows.ReassemblyMemoryPeak;
        var time = NowMicros != 0 ? NowMicros : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        _sink.Write(new StatsEvent(time, Counters, CaptureCounters, final) { UptimeSeconds = (NowMicros - FirstMicros) / 1_000_000 });
    }

    private void OnDecoded(ref DecodedPacket packet, ReadOnlyMemory<byte> buffer, int length, long timestampMicros)
    {
        var counters = Counters;
        if (packet.IpVersion == 4)
        {
            counters.Ipv4++;
        }
        else
        {
            counters.Ipv6++;
        }

        if (packet.VlanCount != 0)
        {
            counters.Vlan++;
        }

        switch (packet.Protocol)
        {
            case IpProtocol.Tcp:
                counters.Tcp++;
                break;
            case IpProtocol.Udp:
                counters.Udp++;
                break;
            case IpProtocol.Icmp:
            case IpProtocol.Icmpv6:
                counters.Icmp++;
                break;
            default:
                counters.OtherIp++;
                break;
        }

        Flows.OnPacket(packet, buffer, length, timestampMicros);
    }

    private void OnFragment(ref DecodedPacket packet, ReadOnlyMemory<byte> frame, long timestampMicros)
    {
        Counters.Fragments++;
        var data = frame.Slice(packet.FragmentDataOffset, packet.FragmentDataLength);
        var result = _defragmenter.Add(packet, data.Span, timestampMicros, out var datagram, out var anomaly);
        if (anomaly is { } kind)
        {
            Anomalies.Report(kind, timestampMicros);
        }

        if (result != DefragStatus.Complete)
        {
            return;
        }

        Counters.FragmentsReassembled++;
        if (PacketDecoder.DecodeReassembled(datagram.Span, ref packet) == DecodeStatus.Ok)
        {
            // Byte counters take the whole datagram once, when it completes.
            OnDecoded(ref packet, datagram, datagram.Length, timestampMicros);
        }
        else
        {
            Counters.Invalid++;
            Anomalies.Report(packet.Anomaly, timestampMicros);
        }
    }

    private void Housekeeping()
    {
        _lastHousekeeping = NowMicros;
        Flows.Expire(NowMicros);
        var expired = _defragmenter.Expire(NowMicros);
        for (var i = 0; i < expired; i++)
        {
            Anomalies.Report(AnomalyKind.FragmentIncomplete, NowMicros);
        }
    }
}
