using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sensor.Core.Events;

namespace Sensor.Sinks;

/// <summary>
/// Writes events as EVE-style NDJSON (events.md): one object per line, the common envelope first, then
/// the type's object. Output is batched in a reusable buffer and written to the stream in 64 KiB blocks.
/// </summary>
public sealed class EveJsonEventSink : IEventSink, IDisposable
{
    private const int FlushThreshold = 64 * 1024;

    // Relaxed escaping keeps '+' in timestamps and non-ASCII text readable; this is NDJSON, never HTML.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly SensorInfo _sensor;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _writer;
    private readonly byte[] _sensorJson;

    public EveJsonEventSink(Stream stream, SensorInfo sensor, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _sensor = sensor;
        _writer = new Utf8JsonWriter(_buffer, s_writerOptions);
        _sensorJson = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["name"] = sensor.Name, ["mode"] = sensor.Mode });
    }

    public void Write(SensorEvent sensorEvent)
    {
        var w = _writer;
        w.Reset(_buffer);
        w.WriteStartObject();
        Span<byte> time = stackalloc byte[EveTime.Length];
        EveTime.WriteUtf8(sensorEvent.TimestampMicros, time);
        w.WriteString("timestamp"u8, time);
        var flow = sensorEvent.Flow;
        if (flow is not null)
        {
            w.WriteNumber("flow_id"u8, flow.FlowId);
        }

        w.WriteString("event_type"u8, sensorEvent.EventType);
        if (flow is not null)
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
        }

        // "sensor":{...},"schema_version":1 is the same on every line: serialised once.
        w.WritePropertyName("sensor"u8);
        w.WriteRawValue(_sensorJson, skipInputValidation: true);
        w.WriteNumber("schema_version"u8, SensorInfo.SchemaVersion);
        sensorEvent.WriteBody(w);
        w.WriteEndObject();
        w.Flush();
        _buffer.Write("\n"u8);
        if (_buffer.WrittenCount >= FlushThreshold)
        {
            Drain();
        }
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
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private void Drain()
    {
        if (_buffer.WrittenCount > 0)
        {
            _stream.Write(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
        }
    }
}
