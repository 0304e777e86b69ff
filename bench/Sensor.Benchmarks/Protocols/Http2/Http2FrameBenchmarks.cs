using BenchmarkDotNet.Attributes;
using Sensor.Protocols.Http2;

namespace Sensor.Benchmarks.Protocols.Http2;

/// <summary>
/// Frame parsing throughput: 1 MiB of a response as servers send it (one HEADERS, 64 DATA frames of 16 KiB, a
/// WINDOW_UPDATE every 4): header read, type dispatch and payload slicing, no HPACK. Figures are per 1 MiB buffer.
/// </summary>
public class Http2FrameBenchmarks
{
    private byte[] _stream = [];

    [GlobalSetup]
    public void Setup()
    {
        var output = new List<byte>();
        Frame(output, Http2FrameType.Headers, Http2Flags.EndHeaders, 1, [0x88]);
        for (var i = 0; i < 64; i++)
        {
            Frame(output, Http2FrameType.Data, (byte)(i == 63 ? Http2Flags.EndStream : 0), 1, new byte[16384]);
            if (i % 4 == 3)
            {
                Frame(output, Http2FrameType.WindowUpdate, 0, 0, [0, 1, 0, 0]);
            }
        }

        _stream = [.. output];
    }

    [Benchmark]
    public long ParseFrames()
    {
        ReadOnlySpan<byte> data = _stream;
        long total = 0;
        while (Http2FrameHeader.TryRead(data, Http2FrameHeader.DefaultMaxFrameSize, out var header) == Http2Status.Done)
        {
            var payload = data.Slice(Http2FrameHeader.Size, header.Length);
            switch (header.Type)
            {
                case Http2FrameType.Data:
                    Http2Frames.ReadData(header, payload, out var body);
                    total += body.Length;
                    break;
                case Http2FrameType.Headers:
                    Http2Frames.ReadHeaders(header, payload, out _, out var fragment);
                    total += fragment.Length;
                    break;
                case Http2FrameType.WindowUpdate:
                    Http2Frames.ReadWindowUpdate(header, payload, out var increment);
                    total += increment & 1;
                    break;
                default:
                    break;
            }

            data = data[(Http2FrameHeader.Size + header.Length)..];
        }

        return total;
    }

    private static void Frame(List<byte> output, Http2FrameType type, byte flags, int streamId, byte[] payload)
    {
        output.AddRange([(byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length, (byte)type, flags]);
        output.AddRange([(byte)(streamId >> 24), (byte)(streamId >> 16), (byte)(streamId >> 8), (byte)streamId]);
        output.AddRange(payload);
    }
}
