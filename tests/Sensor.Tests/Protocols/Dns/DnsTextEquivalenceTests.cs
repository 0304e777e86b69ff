using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Protocols.Dns;
using Sensor.Sessions.Dns;
using Sensor.Sinks;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Dns;

/// <summary>
/// The UTF-8 reader (<see cref="DnsText"/>) and the byte-writing dns event body against the string-building reader and
/// event they replaced (<see cref="LegacyDnsMessageReader"/>, kept verbatim as the oracle): on real captures, the
/// vectors, hand-made awkward records and thousands of mutated messages, the statuses, every string and the event
/// bytes must be the same.
/// </summary>
public sealed class DnsTextEquivalenceTests
{
    // The sink's options (EveJsonEventSink): the escaping decides the bytes compared here.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Records the vectors do not have: quotes, backslashes and non-ASCII in names and text, AAAA, odd lengths.</summary>
    private static IEnumerable<byte[]> Awkward()
    {
        byte[] quoted = [0x04, (byte)'a', (byte)'"', (byte)'\\', 0xC3, 0x03, .. "com"u8, 0x00];
        yield return DnsVectors.Question(quoted);
        yield return DnsVectors.Question([0x0B, .. "<b>&'+`~{}|"u8, 0x03, .. "com"u8, 0x00]); // printable, plain path: the writer must agree
        var type256 = DnsVectors.Question([0x03, .. "www"u8, 0x00]); // QTYPE 256 has no mnemonic: the writer path
        type256[^4] = 0x01;
        type256[^3] = 0x00;
        yield return type256;
        byte[] header = DnsVectors.Header(1, 6);
        yield return
        [
            .. header, .. quoted, 0x00, 0x1C, 0x00, 0x01,
            0xC0, 0x0C, 0x00, 0x1C, 0x00, 0x01, 0, 0, 0, 5, 0x00, 0x10, 0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // AAAA
            0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 5, 0x00, 0x03, 1, 2, 3,                                                  // A of 3 bytes: hex
            0xC0, 0x0C, 0x00, 0x10, 0x00, 0x01, 0, 0, 0, 5, 0x00, 0x06, 0x05, (byte)'"', (byte)'\\', 0x80, 0x1F, (byte)'x',       // TXT
            0xC0, 0x0C, 0x00, 0x41, 0x00, 0x01, 0, 0, 0, 5, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x04, 0x03, (byte)'h', 0xFF, 0x01, 0x00, 0x03, 0x00, 0x01, 0x05, // alpn with a high byte, 1-byte port
            0xC0, 0x0C, 0x00, 0x0C, 0x00, 0x01, 0, 0, 0, 5, 0x00, 0x02, 0xC0, 0x0C,                                               // PTR
            0xC0, 0x0C, 0xFF, 0x00, 0x00, 0x01, 0, 0, 0, 5, 0x00, 0x02, 0xAB, 0xCD,                                               // TYPE65280
        ];
    }

    private static IEnumerable<byte[]> Inputs()
    {
        foreach (var (_, message) in DnsVectors.Valid)
        {
            yield return message;
        }

        foreach (var message in Awkward())
        {
            yield return message;
        }

        foreach (var datagram in CaptureStreams.Udp(SharedInputs.Pcap("all.pcap")).Where(d => d.Payload.Length >= 12).Take(400))
        {
            yield return datagram.Payload;
        }
    }

    [Fact]
    public void EveryInput_AndItsMutations_ReadAndWriteAsTheStringReaderDid()
    {
        var inputs = Inputs().ToList();
        Assert.True(inputs.Count > 50);
        var random = new Random(1035);
        var compared = 0;
        foreach (var input in inputs)
        {
            AssertSame(input);
            for (var round = 0; round < 8; round++)
            {
                AssertSame(round % 2 == 0
                    ? Segments.Mutate(input, random, random.Next(1, 6))
                    : Segments.TruncateWithGarbage(input, random, random.Next(input.Length + 1), random.Next(0, 40)));
            }

            compared += 9;
        }

        Assert.True(compared > 450);
    }

    [Fact]
    public void EveryPrefix_OfTheAwkwardRecords_GivesTheSameStatusAndStrings()
    {
        foreach (var message in Awkward())
        {
            for (var length = 0; length <= message.Length; length++)
            {
                AssertSame(message[..length]);
            }
        }
    }

    /// <summary>
    /// Whole EVE lines: the sink writes a plain dns event as bytes (<see cref="DnsEvent.TryWritePlainBody"/>), not through
    /// the writer; every line must be the line the old event gave through the writer, envelope included.
    /// </summary>
    [Fact]
    public void SinkLines_AreTheOldEventsLines()
    {
        var flow = EventRecorder.Flow(53, protocol: 17);
        flow.AppProto = "dns";
        using var fast = new MemoryStream();
        using var old = new MemoryStream();
        var lines = 0;
        using (var fastSink = new EveJsonEventSink(fast, new SensorInfo("s", SensorInfo.ModePcap), ownsStream: false))
        using (var oldSink = new EveJsonEventSink(old, new SensorInfo("s", SensorInfo.ModePcap), ownsStream: false))
        {
            foreach (var input in Inputs())
            {
                if (DnsMessageReader.Read(input, out var message) == DnsStatus.Ok && LegacyDnsMessageReader.Read(input, out var legacy) == DnsStatus.Ok)
                {
                    fastSink.Write(new DnsEvent(1_795_494_802_375_071 + lines, flow, message!));
                    oldSink.Write(new LegacyEvent(1_795_494_802_375_071 + lines, flow, legacy!));
                    lines++;
                }
            }
        }

        Assert.True(lines > 50);
        Assert.Equal(Encoding.UTF8.GetString(old.ToArray()), Encoding.UTF8.GetString(fast.ToArray()));
        Assert.All(Encoding.UTF8.GetString(fast.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries), line => JsonDocument.Parse(line).Dispose());
    }

    /// <summary>The old dns event: written by the writer only.</summary>
    private sealed class LegacyEvent(long timestampMicros, FlowIdentity flow, LegacyDnsMessage message) : SensorEvent(timestampMicros, flow)
    {
        public override string EventType => "dns";

        public override void WriteBody(Utf8JsonWriter writer) => LegacyDnsEventBody.Write(writer, message);
    }

    private static void AssertSame(byte[] input)
    {
        var status = DnsMessageReader.Read(input, out var message);
        var legacyStatus = LegacyDnsMessageReader.Read(input, out var legacy);
        Assert.Equal(legacyStatus, status);
        Assert.Equal(legacy is null, message is null);
        if (message is null || legacy is null)
        {
            return;
        }

        Assert.Equal(
            (legacy.Id, legacy.IsResponse, legacy.Opcode, legacy.Rcode, legacy.Truncated, legacy.RecursionDesired, legacy.RecursionAvailable, legacy.Authoritative, legacy.AuthorityCount, legacy.AdditionalCount),
            (message.Id, message.IsResponse, message.Opcode, message.Rcode, message.Truncated, message.RecursionDesired, message.RecursionAvailable, message.Authoritative, message.AuthorityCount, message.AdditionalCount));
        Assert.Equal(legacy.Questions.Select(q => (q.Name, q.Type, q.Class)), message.Questions.ToArray().Select(q => (q.Name, q.Type, q.Class)));
        Assert.Equal(
            legacy.Answers.Select(a => (a.Name, a.Type, a.Class, a.Ttl, a.Data, Convert.ToHexString(a.Address))),
            message.Answers.ToArray().Select(a => (a.Name, a.Type, a.Class, a.Ttl, a.Data, Convert.ToHexString(a.Address))));
        Assert.Equal(Json(w => LegacyDnsEventBody.Write(w, legacy)), Json(new DnsEvent(0, EventRecorder.Flow(53, protocol: 17), message).WriteBody));
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Convert.ToHexString(buffer.WrittenSpan); // hex: a difference shows the exact bytes, escapes included
    }
}
