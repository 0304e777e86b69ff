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
}
