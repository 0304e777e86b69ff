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
    private readonly char[] _time = new char[EveTime.Length];

    public EveJsonEventSink(Stream stream, SensorInfo sensor, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _sensor = sensor;
        _writer = new Utf8JsonWriter(_buffer, s_writerOptions);
    }

    public void Write(SensorEvent sensorEvent)
    {
        var w = _writer;
        w.Reset(_buffer);
        w.WriteStartObject();
        EveTime.Format(sensorEvent.TimestampMicros, _time);
        w.WriteString("timestamp", _time);
        if (sensorEvent.Flow is { } flow)
        {
            w.WriteNumber("flow_id", flow.FlowId);
        }

        w.WriteString("event_type", sensorEvent.EventType);
        if (sensorEvent.Flow is { } f)
        {
            w.WriteString("src_ip", f.Source.ToString());
            if (f.HasPorts)
            {
                w.WriteNumber("src_port", f.SourcePort);
            }

            w.WriteString("dest_ip", f.Destination.ToString());
            if (f.HasPorts)
            {
                w.WriteNumber("dest_port", f.DestinationPort);
            }

            w.WriteString("proto", f.ProtocolName);
            if (f.AppProto is not null)
            {
                w.WriteString("app_proto", f.AppProto);
            }

            w.WriteString("community_id", f.CommunityId);
        }

        w.WriteStartObject("sensor");
        w.WriteString("name", _sensor.Name);
        w.WriteString("mode", _sensor.Mode);
        w.WriteEndObject();
        w.WriteNumber("schema_version", SensorInfo.SchemaVersion);
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
