using Sensor.Protocols.Http2;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Http2;

/// <summary>Frame header and per-type rules of RFC 9113 §4.1 and §6, each with the status it yields.</summary>
public class Http2FrameReaderTests
{
    [Fact]
    public void Preface_every_prefix_needs_more_and_a_wrong_byte_is_bad()
    {
        var preface = Http2Preface.Bytes.ToArray();
        for (var cut = 0; cut < preface.Length; cut++)
        {
            Assert.Equal(Http2Status.NeedMoreData, Http2Preface.Check(preface.AsSpan(0, cut)));
        }

        Assert.Equal(Http2Status.Done, Http2Preface.Check([.. preface, 0, 0]));
        Assert.Equal(Http2Status.BadPreface, Http2Preface.Check("GET / HTTP/1.1\r\n"u8));
    }

    [Fact]
    public void Header_fields_and_the_reserved_bit()
    {
        // length 0x000102, type HEADERS, flags END_STREAM|END_HEADERS, R bit set, stream 0x7fffffff
        byte[] bytes = [0x00, 0x01, 0x02, 0x01, 0x05, 0xff, 0xff, 0xff, 0xff];
        Assert.Equal(Http2Status.Done, Http2FrameHeader.TryRead(bytes, 16384, out var header));
        Assert.Equal(new Http2FrameHeader(258, Http2FrameType.Headers, 0x05, int.MaxValue), header);
        Assert.Equal(Http2Status.FrameTooLarge, Http2FrameHeader.TryRead(bytes, 257, out _));
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Equal(Http2Status.NeedMoreData, Http2FrameHeader.TryRead(bytes.AsSpan(0, cut), 16384, out _));
        }
    }

    [Fact]
    public void Headers_with_padding_and_priority()
    {
        // Pad Length 2, E + dependency 3, weight 15, fragment 0x82, 2 bytes padding
        byte[] payload = [0x02, 0x80, 0x00, 0x00, 0x03, 0x0f, 0x82, 0x00, 0x00];
        var header = new Http2FrameHeader(payload.Length, Http2FrameType.Headers, Http2Flags.Padded | Http2Flags.Priority | Http2Flags.EndHeaders, 1);
        Assert.Equal(Http2Status.Done, Http2Frames.ReadHeaders(header, payload, out var priority, out var fragment));
        Assert.Equal(new Http2Priority(true, 3, 15), priority);
        Assert.Equal([0x82], fragment.ToArray());

        Assert.Equal(Http2Status.BadPadding, Http2Frames.ReadHeaders(header, [0x09, 0, 0], out _, out _));
        Assert.Equal(Http2Status.BadLength, Http2Frames.ReadHeaders(header with { Flags = Http2Flags.Priority }, [0, 0, 0], out _, out _));
        Assert.Equal(Http2Status.BadStreamId, Http2Frames.ReadHeaders(header with { StreamId = 0 }, payload, out _, out _));
    }

    [Fact]
    public void Data_padding_bounds()
    {
        var header = new Http2FrameHeader(4, Http2FrameType.Data, Http2Flags.Padded, 1);
        Assert.Equal(Http2Status.Done, Http2Frames.ReadData(header, [0x02, (byte)'x', 0, 0], out var data));
        Assert.Equal("x"u8.ToArray(), data.ToArray());
        Assert.Equal(Http2Status.Done, Http2Frames.ReadData(header, [0x03, 0, 0, 0], out data));
        Assert.True(data.IsEmpty);
        Assert.Equal(Http2Status.BadPadding, Http2Frames.ReadData(header, [0x04, 0, 0, 0], out _));
        Assert.Equal(Http2Status.BadPadding, Http2Frames.ReadData(header, [], out _));
    }

    [Fact]
    public void Connection_frames_check_stream_zero_and_length()
    {
        var settings = new Http2FrameHeader(12, Http2FrameType.Settings, 0, 0);
        byte[] payload = [0x00, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x05, 0x00, 0x00, 0x40, 0x00];
        Assert.Equal(Http2Status.Done, Http2Frames.ReadSettings(settings, payload, out var count));
        Assert.Equal(2, count);
        Assert.Equal((Http2SettingId.HeaderTableSize, 4096u), Http2Frames.Setting(payload, 0));
        Assert.Equal(Http2Status.BadLength, Http2Frames.ReadSettings(settings, payload.AsSpan(0, 7), out _));
        Assert.Equal(Http2Status.BadLength, Http2Frames.ReadSettings(settings with { Flags = Http2Flags.Ack }, payload, out _));
        Assert.Equal(Http2Status.BadStreamId, Http2Frames.ReadSettings(settings with { StreamId = 1 }, payload, out _));
        Assert.Equal(Http2Status.BadSetting, Http2Frames.ReadSettings(settings, [0x00, 0x05, 0x00, 0x00, 0x00, 0x01], out _));
        Assert.Equal(Http2Status.BadSetting, Http2Frames.ReadSettings(settings, [0x00, 0x02, 0x00, 0x00, 0x00, 0x02], out _));

        var ping = new Http2FrameHeader(8, Http2FrameType.Ping, 0, 0);
        Assert.Equal(Http2Status.Done, Http2Frames.ReadPing(ping, new byte[8], out _));
        Assert.Equal(Http2Status.BadLength, Http2Frames.ReadPing(ping, new byte[7], out _));
        Assert.Equal(Http2Status.BadStreamId, Http2Frames.ReadPing(ping with { StreamId = 3 }, new byte[8], out _));

        var goAway = new Http2FrameHeader(10, Http2FrameType.GoAway, 0, 0);
        Assert.Equal(Http2Status.Done, Http2Frames.ReadGoAway(goAway, [0x80, 0, 0, 7, 0, 0, 0, 2, (byte)'h', (byte)'i'], out var last, out var code, out var debug));
        Assert.Equal((7, 2u, "hi"), (last, code, System.Text.Encoding.ASCII.GetString(debug)));
        Assert.Equal(Http2Status.BadLength, Http2Frames.ReadGoAway(goAway, new byte[7], out _, out _, out _));

        var window = new Http2FrameHeader(4, Http2FrameType.WindowUpdate, 0, 0);
        Assert.Equal(Http2Status.ZeroWindowIncrement, Http2Frames.ReadWindowUpdate(window, new byte[4], out _));
        Assert.Equal(Http2Status.Done, Http2Frames.ReadWindowUpdate(window, [0x80, 0, 1, 0], out var increment));
        Assert.Equal(256, increment);
    }

    [Fact]
    public void Stream_frames_check_their_fields()
    {
        var rst = new Http2FrameHeader(4, Http2FrameType.RstStream, 0, 1);
        Assert.Equal(Http2Status.Done, Http2Frames.ReadRstStream(rst, [0, 0, 0, 8], out var code));
        Assert.Equal(8u, code);
        Assert.Equal(Http2Status.BadStreamId, Http2Frames.ReadRstStream(rst with { StreamId = 0 }, [0, 0, 0, 8], out _));

        var priority = new Http2FrameHeader(5, Http2FrameType.Priority, 0, 3);
        Assert.Equal(Http2Status.Done, Http2Frames.ReadPriority(priority, [0, 0, 0, 1, 200], out var p));
        Assert.Equal(new Http2Priority(false, 1, 200), p);
        Assert.Equal(Http2Status.BadLength, Http2Frames.ReadPriority(priority, [0, 0, 0, 1], out _));

        var push = new Http2FrameHeader(6, Http2FrameType.PushPromise, Http2Flags.EndHeaders, 1);
        Assert.Equal(Http2Status.Done, Http2Frames.ReadPushPromise(push, [0, 0, 0, 2, 0x82, 0x84], out var promised, out var fragment));
        Assert.Equal((2, 2), (promised, fragment.Length));
        Assert.Equal(Http2Status.BadStreamId, Http2Frames.ReadPushPromise(push, [0, 0, 0, 0], out _, out _));
        Assert.Equal(Http2Status.BadLength, Http2Frames.ReadPushPromise(push, [0, 0], out _, out _));

        Assert.Equal(Http2Status.BadStreamId, Http2Frames.ReadContinuation(new Http2FrameHeader(1, Http2FrameType.Continuation, 0, 0), [0x82], out _));
    }

    [Fact]
    public void Random_payloads_for_every_type_give_a_status()
    {
        var random = new Random(9113);
        for (var round = 0; round < 5000; round++)
        {
            var payload = new byte[random.Next(0, 24)];
            random.NextBytes(payload);
            var header = new Http2FrameHeader(payload.Length, (Http2FrameType)random.Next(0, 12), (byte)random.Next(256), random.Next(0, 4));
            var status = header.Type switch
            {
                Http2FrameType.Data => Http2Frames.ReadData(header, payload, out _),
                Http2FrameType.Headers => Http2Frames.ReadHeaders(header, payload, out _, out _),
                Http2FrameType.Priority => Http2Frames.ReadPriority(header, payload, out _),
                Http2FrameType.RstStream => Http2Frames.ReadRstStream(header, payload, out _),
                Http2FrameType.Settings => Http2Frames.ReadSettings(header, payload, out _),
                Http2FrameType.PushPromise => Http2Frames.ReadPushPromise(header, payload, out _, out _),
                Http2FrameType.Ping => Http2Frames.ReadPing(header, payload, out _),
                Http2FrameType.GoAway => Http2Frames.ReadGoAway(header, payload, out _, out _, out _),
                Http2FrameType.WindowUpdate => Http2Frames.ReadWindowUpdate(header, payload, out _),
                Http2FrameType.Continuation => Http2Frames.ReadContinuation(header, payload, out _),
                _ => Http2Status.Done,
            };
            Assert.True(Enum.IsDefined(status));
        }
    }
}
