using System.Buffers;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Sessions.AppLayer;
using Sensor.Sessions.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions;

/// <summary>
/// Plays one TCP conversation into the consumer the app-layer factory picks for a flow (as the engine does): the
/// client's bytes up to and including its hello, then the server's reply, then the rest, each optionally in random chunks.
/// </summary>
internal static class TlsConversation
{
    private static readonly Lazy<IReadOnlyList<TcpConnection>> s_anthropic = new(() => CaptureStreams.Tcp(SharedInputs.Pcap("a_anthropic_enterprise.pcap")));

    /// <summary>The first connection of a_anthropic_enterprise.pcap: TLS 1.3, Node.js to api.anthropic.com.</summary>
    public static TcpConnection Tls13 => s_anthropic.Value[0];

    /// <summary>The third: curl with TLS 1.2 only (the certificate is in the clear).</summary>
    public static TcpConnection Tls12 => s_anthropic.Value[2];

    public sealed record Result(IReadOnlyList<TlsEvent> Events, IReadOnlyList<AnomalyEvent> Anomalies, FlowIdentity Flow)
    {
        public TlsEvent Single => Assert.Single(Events);

        public IReadOnlyList<string> Bodies => [.. Events.Select(EventRecorder.Body)];
    }

    /// <summary>
    /// Client preamble + flight, server preamble + flight, then the rest of both directions. <paramref name="chunks"/>
    /// cuts every step into random pieces (1..maxChunk bytes); null delivers each step whole.
    /// </summary>
    public static Result Play(TcpConnection connection, byte[]? clientPreamble = null, byte[]? serverPreamble = null, Random? chunks = null, int maxChunk = 16, bool asSequences = false, TlsDecryption? decryption = null)
    {
        var clientHello = CaptureStreams.FirstHelloRecords(connection.ToServer);
        var serverFlight = CaptureStreams.FirstHelloRecords(connection.ToClient);
        (Direction, byte[])[] steps =
        [
            (Direction.ToServer, [.. clientPreamble ?? [], .. clientHello]),
            (Direction.ToClient, [.. serverPreamble ?? [], .. serverFlight]),
            (Direction.ToServer, connection.ToServer[clientHello.Length..]),
            (Direction.ToClient, connection.ToClient[serverFlight.Length..]),
        ];
        return Run(steps, chunks, maxChunk, asSequences, decryption);
    }

    public static Result Run(IEnumerable<(Direction Direction, byte[] Bytes)> steps, Random? chunks = null, int maxChunk = 16, bool asSequences = false, TlsDecryption? decryption = null)
    {
        var recorder = new EventRecorder();
        var flow = EventRecorder.Flow(443);
        var consumer = new AppLayerFactory(recorder.Context, decryption: decryption).CreateConsumer(flow)!;
        foreach (var (direction, bytes) in steps)
        {
            var pieces = chunks is null ? [bytes] : Segments.RandomChunks(bytes, chunks, maxChunk);
            if (asSequences)
            {
                consumer.OnData(direction, Segments.Sequence(pieces));
                continue;
            }

            foreach (var piece in pieces)
            {
                consumer.OnData(direction, new ReadOnlySequence<byte>(piece));
            }
        }

        consumer.OnEnd(Direction.ToServer, EndReason.Fin);
        consumer.OnEnd(Direction.ToClient, EndReason.Fin);
        return new Result([.. recorder.Of<TlsEvent>()], recorder.Anomalies, flow);
    }
}
