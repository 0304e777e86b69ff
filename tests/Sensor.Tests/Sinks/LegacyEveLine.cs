using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Sinks;

namespace Sensor.Tests.Sinks;

/// <summary>
/// An EVE line as the sink wrote it before the byte paths: every member through one Utf8JsonWriter with the sink's
/// relaxed escaping, the address texts from <see cref="System.Net.IPAddress.ToString"/>, the body from
/// <see cref="SensorEvent.WriteBody"/>, the sensor object with the default (strict) escaping. The reference the byte paths
/// are compared with, whole line by whole line.
/// </summary>
internal static class LegacyEveLine
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(SensorEvent sensorEvent, SensorInfo sensor)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, s_options))
        {
            w.WriteStartObject();
            w.WriteString("timestamp", EveTime.Format(sensorEvent.TimestampMicros));
            var flow = sensorEvent.Flow;
            if (flow is not null)
            {
                w.WriteNumber("flow_id", flow.FlowId);
            }

            w.WriteString("event_type", sensorEvent.EventType);
            if (flow is not null)
            {
                w.WriteString("src_ip", flow.Source.ToString());
                if (flow.HasPorts)
                {
                    w.WriteNumber("src_port", flow.SourcePort);
                }

                w.WriteString("dest_ip", flow.Destination.ToString());
                if (flow.HasPorts)
                {
                    w.WriteNumber("dest_port", flow.DestinationPort);
                }

                w.WriteString("proto", flow.ProtocolName);
                if (flow.AppProto is not null)
                {
                    w.WriteString("app_proto", flow.AppProto);
                }

                w.WriteString("community_id", flow.CommunityId);
            }

            w.WritePropertyName("sensor");
            w.WriteRawValue(SensorObject(sensor));
            w.WriteNumber("schema_version", SensorInfo.SchemaVersion);
            sensorEvent.WriteBody(w);
            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] SensorObject(SensorInfo sensor) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["name"] = sensor.Name, ["mode"] = sensor.Mode });
}
