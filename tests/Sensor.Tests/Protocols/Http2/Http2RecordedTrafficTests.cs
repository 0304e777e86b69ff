using System.Text;
using Sensor.Core.Streams;
using Sensor.Protocols.Hpack;
using Sensor.Protocols.Http2;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Http2;

/// <summary>
/// The frame readers and HPACK decoder on real traffic (HttpClient to Kestrel over h2c, <see cref="H2cTraffic"/>):
/// every frame of both directions reads as Done, and the decoded header blocks say what Kestrel saw and what
/// HttpClient got. Kestrel's response encoder uses the dynamic table, so this also checks it against a real encoder.
/// </summary>
public class Http2RecordedTrafficTests
{
    [Fact]
    public void Every_frame_reads_and_header_blocks_match_both_ends()
    {
        var traffic = H2cTraffic.Shared;
        var toServer = traffic.Bytes(Direction.ToServer);
        Assert.Equal(Http2Status.Done, Http2Preface.Check(toServer));

        var requests = ReadDirection(toServer.AsSpan(Http2Preface.Length), out var requestFrameTypes);
        var responses = ReadDirection(traffic.Bytes(Direction.ToClient), out _);
        Assert.Contains(Http2FrameType.Continuation, requestFrameTypes);

        Assert.Equal(traffic.ServerSaw.Count, requests.Count(r => r.Value.Headers.Count > 0));
        foreach (var seen in traffic.ServerSaw)
        {
            var stream = requests.Values.Single(r => Field(r.Headers, ":path") == seen.PathAndQuery);
            Assert.Equal(seen.Method, Field(stream.Headers, ":method"));
            Assert.Equal(seen.Authority, Field(stream.Headers, ":authority"));
            Assert.Equal(seen.Body, stream.Body.ToArray());
            if (seen.PathAndQuery == "/big-header")
            {
                Assert.Equal(H2cTraffic.LargeCookie, Field(stream.Headers, "x-large"));
            }
        }

        foreach (var (path, got) in traffic.ClientGot)
        {
            var id = requests.Single(r => Field(r.Value.Headers, ":path") == path).Key;
            var response = responses[id];
            Assert.Equal(got.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), Field(response.Headers, ":status"));
            Assert.Equal(got.Body, response.Body.ToArray());
            foreach (var (name, value) in got.Headers.Where(h => h.Key is "content-type" or "x-server-note" or "content-encoding"))
            {
                Assert.Equal(value, Field(response.Headers, name));
            }

            foreach (var (name, value) in got.Trailers)
            {
                Assert.Equal(value, Field(response.Trailers, name));
            }
        }
    }

    private static string? Field(List<(string Name, string Value)> fields, string name) => fields.FirstOrDefault(f => f.Name == name).Value;

    /// <summary>Reads one direction's frames; returns per stream the header fields, trailers and DATA bytes.</summary>
    private static Dictionary<int, StreamSeen> ReadDirection(ReadOnlySpan<byte> bytes, out HashSet<Http2FrameType> types)
    {
        types = [];
        var streams = new Dictionary<int, StreamSeen>();
        var decoder = new HpackDecoder();
        var block = new List<byte>();
        var blockStream = 0;
        while (!bytes.IsEmpty)
        {
            Assert.Equal(Http2Status.Done, Http2FrameHeader.TryRead(bytes, Http2FrameHeader.DefaultMaxFrameSize, out var header));
            var payload = bytes.Slice(Http2FrameHeader.Size, header.Length);
            bytes = bytes[(Http2FrameHeader.Size + header.Length)..];
            types.Add(header.Type);
            ReadOnlySpan<byte> fragment = default;
            switch (header.Type)
            {
                case Http2FrameType.Settings:
                    Assert.Equal(Http2Status.Done, Http2Frames.ReadSettings(header, payload, out _));
                    continue;
                case Http2FrameType.WindowUpdate:
                    Assert.Equal(Http2Status.Done, Http2Frames.ReadWindowUpdate(header, payload, out _));
                    continue;
                case Http2FrameType.Ping:
                    Assert.Equal(Http2Status.Done, Http2Frames.ReadPing(header, payload, out _));
                    continue;
                case Http2FrameType.GoAway:
                    Assert.Equal(Http2Status.Done, Http2Frames.ReadGoAway(header, payload, out _, out _, out _));
                    continue;
                case Http2FrameType.RstStream:
                    Assert.Equal(Http2Status.Done, Http2Frames.ReadRstStream(header, payload, out _));
                    continue;
                case Http2FrameType.Data:
                    Assert.Equal(Http2Status.Done, Http2Frames.ReadData(header, payload, out var data));
                    Stream(streams, header.StreamId).Body.AddRange(data.ToArray());
                    continue;
                case Http2FrameType.Headers:
                    Assert.Equal(Http2Status.Done, Http2Frames.ReadHeaders(header, payload, out _, out fragment));
                    blockStream = header.StreamId;
                    break;
                case Http2FrameType.Continuation:
                    Assert.Equal(Http2Status.Done, Http2Frames.ReadContinuation(header, payload, out fragment));
                    Assert.Equal(blockStream, header.StreamId);
                    break;
                default:
                    continue;
            }

            block.AddRange(fragment.ToArray());
            if (header.HasFlag(Http2Flags.EndHeaders))
            {
                var collector = new HeaderCollector();
                Assert.Equal(HpackStatus.Done, decoder.Decode(block.ToArray(), ref collector));
                var stream = Stream(streams, blockStream);
                (stream.Headers.Count == 0 ? stream.Headers : stream.Trailers).AddRange(collector.Fields);
                block.Clear();
            }
        }

        return streams;
    }

    private static StreamSeen Stream(Dictionary<int, StreamSeen> streams, int id) =>
        streams.TryGetValue(id, out var s) ? s : streams[id] = new StreamSeen();

    private sealed class StreamSeen
    {
        public List<(string Name, string Value)> Headers { get; } = [];

        public List<(string Name, string Value)> Trailers { get; } = [];

        public List<byte> Body { get; } = [];
    }
}
