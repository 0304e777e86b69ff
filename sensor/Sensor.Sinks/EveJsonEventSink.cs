using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Json;

namespace Sensor.Sinks;

/// <summary>
/// Writes events as EVE-style NDJSON (events.md): one object per line, the common envelope first, then
/// the type's object. Output is batched in a reusable buffer and written to the stream in 64 KiB blocks.
/// </summary>
/// <remarks>
/// Most lines are built as bytes: the body by <see cref="SensorEvent.TryWritePlainBody"/> (every type but stats, and dns
/// with a name that needs escaping), the flow's part of the envelope once per flow (<see cref="FlowIdentity.SinkCache"/>),
/// the time with the previous event's second reused; the line then goes into the buffer in one span. The bytes are those
/// the writer produced (tests compare whole lines with a writer-only sink). For a body that refuses, the writer writes the
/// time and the body, and the envelope goes into the buffer between them: the writer, having just written a value,
/// continues the object with a comma.
/// </remarks>
public sealed class EveJsonEventSink : IEventSink, IDisposable
{
    private const int FlushThreshold = 64 * 1024;

    /// <summary>What the writer writes before the time (the relaxed encoder leaves the time's '+' as it is).</summary>
    private static ReadOnlySpan<byte> TimestampPrefix => "{\"timestamp\":\""u8;

    /// <summary>Longest encoded flow_id: ',"flow_id":' and a long.</summary>
    private const int FlowIdBytes = 11 + 20;

    /// <summary>Room for <c>,"event_type":"..."</c>: the types of events.md are short words; a longer one is refused, never truncated.</summary>
    private const int MaxEventTypeBytes = 64;

    /// <summary>Event types remembered by reference: events.md defines about a dozen, so all of them fit.</summary>
    private const int MaxRecentTypes = 16;

    /// <summary>Longest IPv6 text with a scope id (INET6_ADDRSTRLEN is 46 with the terminator; the scope id adds up to 11).</summary>
    private const int MaxAddressBytes = 64;

    // Relaxed escaping keeps '+' in timestamps and non-ASCII text readable; this is NDJSON, never HTML. The same options
    // as the byte paths' escaping writer, so a body built as bytes is the body the writer writes.
    private static readonly JsonWriterOptions s_writerOptions = PlainJsonBuilder.WriterOptions;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _writer;

    /// <summary><c>,"sensor":{...},"schema_version":1</c>: the same on every line.</summary>
    private readonly byte[] _sensorTail;

    /// <summary><c>,"event_type":"dns"</c> by event type (a handful of literals).</summary>
    private readonly Dictionary<string, byte[]> _eventTypes = new(StringComparer.Ordinal);

    /// <summary>
    /// Event type strings seen (by reference) and their bytes, looked up before the dictionary, which hashes the string.
    /// The types of events.md are about a dozen; a type string that is not a literal (made afresh per event) would fill
    /// the slots once and then go to the dictionary.
    /// </summary>
    private readonly string?[] _recentTypes = new string?[MaxRecentTypes];
    private readonly byte[][] _recentTypeBytes = new byte[MaxRecentTypes][];
    private int _recentTypeCount;

    /// <summary>Times of consecutive events share their second: formatted once.</summary>
    private readonly EveTimeWriter _times = new();

    /// <summary>Builds a flow's envelope fields as bytes.</summary>
    private readonly PlainJsonBuilder _envelope = PlainJsonBuilder.Create();

    /// <summary>The body's builder: the sink's own, so no thread-static lookup per event.</summary>
    private readonly PlainJsonBuilder _body = PlainJsonBuilder.Create();

    /// <summary>Encodes the constant fragments (sensor object, event types) once, through the writer.</summary>
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Utf8JsonWriter _scratchWriter;

    public EveJsonEventSink(Stream stream, SensorInfo sensor, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _writer = new Utf8JsonWriter(_buffer, s_writerOptions);
        _scratchWriter = new Utf8JsonWriter(_scratch, s_writerOptions);
        var sensorJson = SensorObject(sensor);
        _sensorTail = Fragment(w =>
        {
            w.WritePropertyName("sensor"u8);
            w.WriteRawValue(sensorJson, skipInputValidation: true);
            w.WriteNumber("schema_version"u8, SensorInfo.SchemaVersion);
        });
    }

    public void Write(SensorEvent sensorEvent)
    {
        var plain = _body;
        plain.ClearAfterMember();
        if (sensorEvent.TryWritePlainBody(plain))
        {
            WritePlainLine(sensorEvent, plain.Written);
        }
        else
        {
            var w = _writer;
            w.Reset(_buffer);
            w.WriteStartObject();
            Span<byte> time = stackalloc byte[EveTime.Length];
            _times.Write(sensorEvent.TimestampMicros, time);
            w.WriteString("timestamp"u8, time);
            w.Flush();
            var flow = sensorEvent.Flow;
            var envelope = flow is null ? default : FlowEnvelope(sensorEvent, flow);
            var span = _buffer.GetSpan(FlowIdBytes + MaxEventTypeBytes + envelope.Length + _sensorTail.Length);
            _buffer.Advance(WriteEnvelope(span, sensorEvent, envelope));
            sensorEvent.WriteBody(w);
            w.WriteEndObject();
            w.Flush();
            _buffer.Write("\n"u8);
        }

        if (_buffer.WrittenCount >= FlushThreshold)
        {
            Drain();
        }
    }

    /// <summary>The whole line as bytes, into one span of the buffer: the envelope's strings are ASCII without escapes, the body is built.</summary>
    private void WritePlainLine(SensorEvent sensorEvent, ReadOnlySpan<byte> body)
    {
        var flow = sensorEvent.Flow;
        var envelope = flow is null ? default : FlowEnvelope(sensorEvent, flow);
        var span = _buffer.GetSpan(TimestampPrefix.Length + EveTime.Length + 1 + FlowIdBytes + MaxEventTypeBytes + envelope.Length + _sensorTail.Length + body.Length + 2);
        TimestampPrefix.CopyTo(span);
        var at = TimestampPrefix.Length;
        _times.Write(sensorEvent.TimestampMicros, span[at..]);
        at += EveTime.Length;
        span[at++] = (byte)'"';
        at += WriteEnvelope(span[at..], sensorEvent, envelope);
        body.CopyTo(span[at..]);
        at += body.Length;
        span[at++] = (byte)'}';
        span[at++] = (byte)'\n';
        _buffer.Advance(at);
    }

    /// <summary>The members after the timestamp: flow id, event type, the flow's cached fields, the sensor; returns the bytes written.</summary>
    private int WriteEnvelope(Span<byte> span, SensorEvent sensorEvent, scoped ReadOnlySpan<byte> envelope)
    {
        var at = 0;
        if (sensorEvent.Flow is { } flow)
        {
            ",\"flow_id\":"u8.CopyTo(span);
            Utf8Formatter.TryFormat(flow.FlowId, span[11..], out var digits);
            at = 11 + digits;
        }

        var type = EventType(sensorEvent.EventType);
        type.CopyTo(span[at..]);
        at += type.Length;
        envelope.CopyTo(span[at..]);
        at += envelope.Length;
        _sensorTail.CopyTo(span[at..]);
        return at + _sensorTail.Length;
    }

    public void Flush()
    {
        Drain();
        _stream.Flush();
    }

    public void Dispose()
    {
        Flush();
        _writer.Dispose();
        _scratchWriter.Dispose();
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    /// <summary>
    /// <c>{"name":...,"mode":...}</c> with the default (strict) escaping, as JsonSerializer writes a dictionary of the two:
    /// a plain writer, because the serializer's first use costs ~50 ms of start-up (reflection metadata, JIT).
    /// </summary>
    private static byte[] SensorObject(SensorInfo sensor)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, sensor.Name);
            writer.WriteString("mode"u8, sensor.Mode);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private byte[] EventType(string eventType)
    {
        // Event types are literals, so events of one type pass the same string: a reference compare over the few types
        // seen (consecutive events alternate between dns, flow, http, finding...) finds it without hashing the string.
        var types = _recentTypes;
        for (var i = 0; i < _recentTypeCount; i++)
        {
            if (ReferenceEquals(types[i], eventType))
            {
                return _recentTypeBytes[i];
            }
        }

        if (!_eventTypes.TryGetValue(eventType, out var bytes))
        {
            bytes = EncodeEventType(eventType);
            if (bytes.Length > MaxEventTypeBytes)
            {
                throw new ArgumentException($"event type longer than {MaxEventTypeBytes} bytes encoded", nameof(eventType));
            }

            _eventTypes[eventType] = bytes;
        }

        if (_recentTypeCount < types.Length)
        {
            types[_recentTypeCount] = eventType;
            _recentTypeBytes[_recentTypeCount++] = bytes;
        }

        return bytes;
    }

    // Separate from the lookups so the lambdas' closures are allocated only on a cache miss.
    private byte[] EncodeEventType(string eventType) => Fragment(w => w.WriteString("event_type"u8, eventType));

    /// <summary>
    /// The flow's envelope fields, cached on the flow for its next events. A flow event without a cache is its flow's
    /// only event in most cases (every flow of a spine-only run): encoded and used in place, not cached.
    /// </summary>
    private ReadOnlySpan<byte> FlowEnvelope(SensorEvent sensorEvent, FlowIdentity flow)
    {
        if (flow.SinkCache is CachedEnvelope cached)
        {
            if (cached.AppProto == flow.AppProto)
            {
                return cached.Bytes;
            }
        }
        else if (sensorEvent is FlowEvent)
        {
            return EncodeFlowEnvelope(flow);
        }

        var bytes = EncodeFlowEnvelope(flow).ToArray();
        flow.SinkCache = new CachedEnvelope(flow.AppProto, bytes);
        return bytes;
    }

    /// <summary>
    /// <c>,"src_ip":...,"community_id":...</c> as the writer writes it: the addresses formatted straight into bytes (no
    /// strings), the texts escaped as the writer escapes them (<see cref="PlainJsonBuilder.Text(ReadOnlySpan{byte}, string?)"/>).
    /// </summary>
    /// <returns>The builder's bytes: valid until the next envelope is encoded.</returns>
    private ReadOnlySpan<byte> EncodeFlowEnvelope(FlowIdentity flow)
    {
        var json = _envelope;
        json.ClearAfterMember();
        json.Formatted("src_ip"u8, flow.Source, MaxAddressBytes);
        if (flow.HasPorts)
        {
            json.Number("src_port"u8, flow.SourcePort);
        }

        json.Formatted("dest_ip"u8, flow.Destination, MaxAddressBytes);
        if (flow.HasPorts)
        {
            json.Number("dest_port"u8, flow.DestinationPort);
        }

        json.Text("proto"u8, flow.ProtocolName);
        if (flow.AppProto is not null)
        {
            json.Text("app_proto"u8, flow.AppProto);
        }

        json.Text("community_id"u8, flow.CommunityId);
        return json.Written;
    }

    /// <summary>Properties written by <paramref name="write"/> as they appear after an earlier property: <c>,"a":1,"b":2</c>.</summary>
    private byte[] Fragment(Action<Utf8JsonWriter> write)
    {
        _scratch.ResetWrittenCount();
        _scratchWriter.Reset(_scratch);
        _scratchWriter.WriteStartObject();
        write(_scratchWriter);
        _scratchWriter.WriteEndObject();
        _scratchWriter.Flush();
        var fragment = _scratch.WrittenSpan[..^1].ToArray(); // without the closing brace
        fragment[0] = (byte)','; // the opening brace becomes the separator
        return fragment;
    }

    private void Drain()
    {
        if (_buffer.WrittenCount > 0)
        {
            _stream.Write(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
        }
    }

    /// <summary>A flow's encoded envelope fields, for the app_proto it was built with.</summary>
    private sealed record CachedEnvelope(string? AppProto, byte[] Bytes);
}
