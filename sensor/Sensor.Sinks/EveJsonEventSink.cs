using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Json;

namespace Sensor.Sinks;

/// <summary>
/// Writes events as EVE-style NDJSON (events.md): one object per line, the common envelope first, then
/// the type's object. Output is batched in a reusable buffer and written to the stream in 64 KiB blocks.
/// </summary>
/// <remarks>
/// The envelope is the same bytes for every event of a flow but for the time and event type, and most events are
/// small (a dns event is a few fields): so the flow's part is encoded once per flow (<see cref="FlowIdentity.SinkCache"/>)
/// and copied, and the writer is used only for the time and the body. The writer is flushed after the time, the
/// envelope goes straight into the buffer behind it, and the writer, having just written a value, continues the
/// object with a comma: the bytes are those the writer would have produced (the cache is built by the same writer).
/// </remarks>
public sealed class EveJsonEventSink : IEventSink, IDisposable
{
    private const int FlushThreshold = 64 * 1024;

    /// <summary>What the writer writes before the time (the relaxed encoder leaves the time's '+' as it is).</summary>
    private static ReadOnlySpan<byte> TimestampPrefix => "{\"timestamp\":\""u8;

    /// <summary>Longest encoded flow_id: ',"flow_id":' and a long.</summary>
    private const int FlowIdBytes = 11 + 20;

    // Relaxed escaping keeps '+' in timestamps and non-ASCII text readable; this is NDJSON, never HTML.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _writer;

    /// <summary><c>,"sensor":{...},"schema_version":1</c>: the same on every line.</summary>
    private readonly byte[] _sensorTail;

    /// <summary><c>,"event_type":"dns"</c> by event type (a handful of literals).</summary>
    private readonly Dictionary<string, byte[]> _eventTypes = new(StringComparer.Ordinal);

    /// <summary>Encodes a flow's envelope once per flow (and again if its app_proto changes).</summary>
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
        var plain = PlainJsonBuilder.SharedAfterMember();
        if (sensorEvent.TryWritePlainBody(plain))
        {
            // The whole line as bytes: the envelope's strings are ASCII without escapes, the body said it is plain.
            var start = _buffer.GetSpan(TimestampPrefix.Length + EveTime.Length + 1);
            TimestampPrefix.CopyTo(start);
            EveTime.WriteUtf8(sensorEvent.TimestampMicros, start[TimestampPrefix.Length..]);
            start[TimestampPrefix.Length + EveTime.Length] = (byte)'"';
            _buffer.Advance(TimestampPrefix.Length + EveTime.Length + 1);
            WriteEnvelope(sensorEvent);
            _buffer.Write(plain.Written);
            _buffer.Write("}\n"u8);
        }
        else
        {
            var w = _writer;
            w.Reset(_buffer);
            w.WriteStartObject();
            Span<byte> time = stackalloc byte[EveTime.Length];
            EveTime.WriteUtf8(sensorEvent.TimestampMicros, time);
            w.WriteString("timestamp"u8, time);
            w.Flush();
            WriteEnvelope(sensorEvent);
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

    /// <summary>The members after the timestamp: flow id, event type, the flow's cached fields, the sensor.</summary>
    private void WriteEnvelope(SensorEvent sensorEvent)
    {
        var flow = sensorEvent.Flow;
        if (flow is not null)
        {
            var id = _buffer.GetSpan(FlowIdBytes);
            ",\"flow_id\":"u8.CopyTo(id);
            Utf8Formatter.TryFormat(flow.FlowId, id[11..], out var digits);
            _buffer.Advance(11 + digits);
        }

        _buffer.Write(EventType(sensorEvent.EventType));
        if (flow is not null)
        {
            _buffer.Write(FlowEnvelope(flow));
        }

        _buffer.Write(_sensorTail);
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
        if (!_eventTypes.TryGetValue(eventType, out var bytes))
        {
            bytes = EncodeEventType(eventType);
            _eventTypes[eventType] = bytes;
        }

        return bytes;
    }

    // Separate from the lookups so the lambdas' closures are allocated only on a cache miss.
    private byte[] EncodeEventType(string eventType) => Fragment(w => w.WriteString("event_type"u8, eventType));

    private byte[] FlowEnvelope(FlowIdentity flow)
    {
        if (flow.SinkCache is CachedEnvelope cached && cached.AppProto == flow.AppProto)
        {
            return cached.Bytes;
        }

        var bytes = EncodeFlowEnvelope(flow);
        flow.SinkCache = new CachedEnvelope(flow.AppProto, bytes);
        return bytes;
    }

    private byte[] EncodeFlowEnvelope(FlowIdentity flow) => Fragment(w =>
        {
            w.WriteString("src_ip"u8, flow.SourceText);
            if (flow.HasPorts)
            {
                w.WriteNumber("src_port"u8, flow.SourcePort);
            }

            w.WriteString("dest_ip"u8, flow.DestinationText);
            if (flow.HasPorts)
            {
                w.WriteNumber("dest_port"u8, flow.DestinationPort);
            }

            w.WriteString("proto"u8, flow.ProtocolName);
            if (flow.AppProto is not null)
            {
                w.WriteString("app_proto"u8, flow.AppProto);
            }

            w.WriteString("community_id"u8, flow.CommunityId);
        });

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
