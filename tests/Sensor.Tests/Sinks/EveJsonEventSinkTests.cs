using System.Text;
using System.Text.Json;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Sinks;

namespace Sensor.Tests.Sinks;

public sealed class EveJsonEventSinkTests
{
    /// <summary>
    /// The sensor object is written by a plain Utf8JsonWriter now, where JsonSerializer wrote a dictionary of name and
    /// mode before: the bytes must be the serializer's, escapes included, for names that need escaping.
    /// </summary>
    [Theory]
    [InlineData("sensor-1")]
    [InlineData("a \"quoted\" \\ name")]
    [InlineData("<script>&'+`")]
    [InlineData("caf\u00e9 \u65e5\u672c \U0001F600")]
    [InlineData("tab\there\u0001")]
    public void SensorObject_IsTheBytesJsonSerializerWrote(string name)
    {
        var expected = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["name"] = name, ["mode"] = SensorInfo.ModeLive });
        using var output = new MemoryStream();
        using (var sink = new EveJsonEventSink(output, new SensorInfo(name, SensorInfo.ModeLive), ownsStream: false))
        {
            sink.Write(new AnomalyEvent(1, null, AnomalyKind.CaptureTruncatedRecord, 1, null));
        }

        var line = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("\"sensor\":" + Encoding.UTF8.GetString(expected) + ",\"schema_version\":1,", line, StringComparison.Ordinal);
        using var parsed = JsonDocument.Parse(line);
        Assert.Equal(name, parsed.RootElement.GetProperty("sensor").GetProperty("name").GetString());
    }
}
