using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sensor.Core.Json;

namespace Sensor.Tests.Json;

/// <summary>The builder's bytes against Utf8JsonWriter's (the sink's options) for the same calls, and its refusals.</summary>
public sealed class PlainJsonBuilderTests
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void NestedObjectsArraysNumbersAndBooleans_AreTheWritersBytes()
    {
        var json = PlainJsonBuilder.Shared();
        json.StartObject();
        Assert.True(json.String("a"u8, "x y <b>&'+`~"u8));
        json.Number("n"u8, -12);
        json.Number("big"u8, uint.MaxValue);
        json.StartArray("list"u8);
        json.EndArray();
        json.StartArray("objects"u8);
        for (var i = 0; i < 3; i++)
        {
            json.StartObject();
            Assert.True(json.String("s"u8, ""u8));
            json.Boolean("t"u8, i % 2 == 0);
            json.EndObject();
        }

        json.EndArray();
        json.StartObject("flags"u8);
        json.Boolean("f"u8, false);
        json.EndObject();
        json.StartObject("empty"u8);
        json.EndObject();
        json.EndObject();

        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, s_options))
        {
            w.WriteStartObject();
            w.WriteString("a"u8, "x y <b>&'+`~"u8);
            w.WriteNumber("n"u8, -12);
            w.WriteNumber("big"u8, uint.MaxValue);
            w.WriteStartArray("list"u8);
            w.WriteEndArray();
            w.WriteStartArray("objects"u8);
            for (var i = 0; i < 3; i++)
            {
                w.WriteStartObject();
                w.WriteString("s"u8, ""u8);
                w.WriteBoolean("t"u8, i % 2 == 0);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("flags"u8);
            w.WriteBoolean("f"u8, false);
            w.WriteEndObject();
            w.WriteStartObject("empty"u8);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), Encoding.UTF8.GetString(json.Written));
    }

    [Theory]
    [InlineData("quote \"")]
    [InlineData("back\\slash")]
    [InlineData("tab\t")]
    [InlineData("del\u007f")]
    [InlineData("caf\u00e9")]
    public void StringsThatNeedEscaping_AreRefused_AndNotWritten(string value)
    {
        var json = PlainJsonBuilder.Shared();
        json.StartObject();
        var before = json.Length;
        Assert.False(json.String("v"u8, Encoding.UTF8.GetBytes(value)));
        Assert.Equal(before, json.Length);
    }

    [Fact]
    public void Shared_IsEmptiedForTheNextBody()
    {
        var json = PlainJsonBuilder.Shared();
        json.StartObject();
        json.Number("n"u8, 1);
        json = PlainJsonBuilder.Shared();
        json.StartObject();
        json.EndObject();
        Assert.Equal("{}", Encoding.UTF8.GetString(json.Written));
    }

    /// <summary>Text of any kind: plain copied, the rest escaped as the writer escapes it; null, doubles, text names.</summary>
    [Theory]
    [InlineData("plain <b>&'+`~")]
    [InlineData("quote \" back\\slash")]
    [InlineData("tab\t nl\n del\u007f \u0001")]
    [InlineData("caf\u00e9 \u65e5\u672c \U0001F600")]
    [InlineData("lone \ud800 x \udc00")]
    [InlineData("")]
    public void Text_IsTheWritersBytes_EscapesIncluded(string value)
    {
        var json = PlainJsonBuilder.Shared();
        json.StartObject();
        json.Text("a"u8, value);
        json.Text("b"u8, (string?)null);
        json.Text("c"u8, value.AsSpan(0, value.Length / 2));
        json.StartArray("list"u8);
        json.TextValue(value);
        json.TextValue(null);
        json.EndArray();
        json.StartObject("counts"u8);
        json.Number(value, 3);
        json.Number("plain", -4);
        json.EndObject();
        json.Null("n"u8);
        json.Number("d"u8, 0.1 + 0.2);
        json.Number("e"u8, 1.0);
        json.Time("t"u8, 1_795_494_802_375_071);
        json.Formatted("ip"u8, System.Net.IPAddress.Parse("fe80::1%3"), 64);
        json.EndObject();

        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, s_options))
        {
            w.WriteStartObject();
            w.WriteString("a"u8, value);
            w.WriteString("b"u8, (string?)null);
            w.WriteString("c"u8, value.AsSpan(0, value.Length / 2));
            w.WriteStartArray("list"u8);
            w.WriteStringValue(value);
            w.WriteStringValue((string?)null);
            w.WriteEndArray();
            w.WriteStartObject("counts"u8);
            w.WriteNumber(value, 3);
            w.WriteNumber("plain", -4);
            w.WriteEndObject();
            w.WriteNull("n"u8);
            w.WriteNumber("d"u8, 0.1 + 0.2);
            w.WriteNumber("e"u8, 1.0);
            w.WriteString("t"u8, Sensor.Core.Events.EveTime.Format(1_795_494_802_375_071));
            w.WriteString("ip"u8, System.Net.IPAddress.Parse("fe80::1%3").ToString());
            w.WriteEndObject();
        }

        Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), Encoding.UTF8.GetString(json.Written));
    }

    [Fact]
    public void WriterOptions_AreTheSinksRelaxedEscaping() =>
        Assert.Same(JavaScriptEncoder.UnsafeRelaxedJsonEscaping, PlainJsonBuilder.WriterOptions.Encoder);
}
