using Sensor.Core.Diagnostics;
using Sensor.Core.Streams;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Sessions.Tls;
using Sensor.Tests.Protocols.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions;

/// <summary>TLS over TCP through the probing consumer: one <c>tls</c> event per handshake, whatever the segmentation.</summary>
public sealed class TlsSessionTests
{
    [Fact]
    public void Tls13Handshake_FromTheCapture_GivesOneTlsEvent()
    {
        var result = TlsConversation.Play(TlsConversation.Tls13);

        var tls = result.Single;
        Assert.Equal("api.anthropic.com", tls.Sni);
        Assert.Equal("TLS 1.3", tls.Version);
        Assert.Equal(["http/1.1"], tls.ClientAlpns);
        Assert.Equal(["0x0304", "0x0303"], tls.OfferedVersions);
        Assert.Equal(TlsVectors.AnthropicJa4, tls.Ja4);
        Assert.Equal(TlsVectors.AnthropicJa3, tls.Ja3Hash);
        Assert.Equal(TlsVectors.AnthropicJa3String, tls.Ja3String);
        Assert.Equal("15af977ce25de452b96affa2addb1036", tls.Ja3sHash);
        Assert.Equal("0x1302", tls.CipherSuite);
        Assert.Null(tls.Subject); // TLS 1.3 encrypts the certificate
        Assert.Equal("tls", result.Flow.AppProto);
        Assert.Empty(result.Anomalies);
        Assert.True(tls.Traffic!.ClientSentData(tls13: true));
    }

    [Fact]
    public void HandshakeWithoutKeys_StopsReadingOnceTheClientSentData()
    {
        // Both captured connections carry a request after the handshake: the event is out and the one fact the ai
        // event reads from the encrypted records is settled, so the session tells the flow it needs no more bytes.
        foreach (var connection in new[] { TlsConversation.Tls13, TlsConversation.Tls12 })
        {
            var result = TlsConversation.Play(connection);
            Assert.True(result.Flow.AppLayerDone);
            Assert.True(result.Single.Traffic!.ClientSentData(result.Single.Version == "TLS 1.3"));
        }
    }

    [Fact]
    public void HandshakeOnly_KeepsReading()
    {
        // Only the hellos (and the server's flight): the tls event is out, but whether the client will send data is not
        // known yet, so the session keeps the bytes coming.
        var connection = TlsConversation.Tls13;
        var result = TlsConversation.Run(
        [
            (Direction.ToServer, CaptureStreams.FirstHelloRecords(connection.ToServer)),
            (Direction.ToClient, CaptureStreams.FirstHelloRecords(connection.ToClient)),
        ]);
        Assert.Single(result.Events);
        Assert.False(result.Flow.AppLayerDone);
    }

    [Fact]
    public void HandshakeWithKeysOnlyForOtherFlows_StopsReadingToo()
    {
        // A key store is configured, but the ServerHello showed it has nothing for this connection: as without keys.
        var result = TlsConversation.Play(TlsConversation.Tls13, decryption: new TlsDecryption(new TlsKeyStore()));
        Assert.False(result.Single.Decrypted);
        Assert.True(result.Flow.AppLayerDone);
    }

    [Fact]
    public void HandshakeWithItsKeys_KeepsReading()
    {
        // This connection's secrets are in the store: its records are decrypted, so every byte still matters.
        var keys = new TlsKeyStore();
        keys.AddKeyLog(File.ReadAllBytes(SharedInputs.Pcap("a_anthropic_enterprise.keys.log")));
        var result = TlsConversation.Play(TlsConversation.Tls13, decryption: new TlsDecryption(keys));
        Assert.True(result.Single.Decrypted);
        Assert.False(result.Flow.AppLayerDone);
    }

    [Fact]
    public void Tls12Handshake_ReportsTheCertificate()
    {
        var result = TlsConversation.Play(TlsConversation.Tls12);

        var tls = result.Single;
        Assert.Equal("TLS 1.2", tls.Version);
        Assert.Equal("t12d2807h1_d943125447b4_a44c6288192a", tls.Ja4);
        Assert.Equal("87b9bfc7da97115ed2276737b09f8d74", tls.Ja3Hash);
        Assert.NotNull(tls.Subject);
        Assert.NotNull(tls.Issuer);
        Assert.Contains("api.anthropic.com", tls.SubjectAltNames);
        Assert.True(tls.SniMatchesCertificate);
        Assert.Empty(result.Anomalies);
    }

    [Fact]
    public void RandomSegmentation_GivesTheSameEvent()
    {
        foreach (var connection in new[] { TlsConversation.Tls13, TlsConversation.Tls12 })
        {
            var expected = TlsConversation.Play(connection).Bodies;
            var random = new Random(443);
            for (var round = 0; round < 30; round++)
            {
                Assert.Equal(expected, TlsConversation.Play(connection, chunks: random, maxChunk: round % 3 == 0 ? 1 : 64).Bodies);
                Assert.Equal(expected, TlsConversation.Play(connection, chunks: random, maxChunk: 32, asSequences: true).Bodies);
            }
        }
    }

    [Fact]
    public void EveryTwoWaySplitOfTheClientHello_GivesTheSameEvent()
    {
        var connection = TlsConversation.Tls13;
        var expected = TlsConversation.Play(connection).Bodies;
        var hello = TlsVectors.AnthropicClientHelloRecords;
        var server = CaptureStreams.FirstHelloRecords(connection.ToClient);
        for (var cut = 1; cut < hello.Length; cut++)
        {
            var result = TlsConversation.Run(
            [
                (Direction.ToServer, hello[..cut]),
                (Direction.ToServer, hello[cut..]),
                (Direction.ToClient, server),
            ]);
            Assert.Equal(expected, result.Bodies);
        }
    }

    [Fact]
    public void ClientHelloOnly_IsReportedAtTheEnd()
    {
        var result = TlsConversation.Run([(Direction.ToServer, TlsVectors.AnthropicClientHelloRecords)]);
        var tls = result.Single;
        Assert.Equal("api.anthropic.com", tls.Sni);
        Assert.Equal("TLS 1.3", tls.Version); // the highest offered when no ServerHello was seen
        Assert.Null(tls.Ja3sHash);
    }

    [Fact]
    public void MalformedClientHello_IsAnAnomaly()
    {
        var hello = (byte[])TlsVectors.AnthropicClientHelloRecords.Clone();
        hello[5 + 4 + 34] = 40; // session id length 40 (> 32)

        var result = TlsConversation.Run([(Direction.ToServer, hello)]);

        Assert.Empty(result.Events);
        Assert.Equal(AnomalyKind.TlsMalformedClientHello, Assert.Single(result.Anomalies).Kind);
    }

    [Fact]
    public void BrokenRecordAfterTheProbe_IsAnAnomaly()
    {
        var result = TlsConversation.Run([(Direction.ToServer, [0x16, 0x03, 0x01, 0xFF, 0xFF, 0x01])]);
        Assert.Empty(result.Events);
        Assert.Equal(AnomalyKind.TlsMalformedRecord, Assert.Single(result.Anomalies).Kind);
    }

    [Fact]
    public void GapBeforeTheHello_GivesNoEventAndNoAnomaly()
    {
        var recorder = new EventRecorder();
        var consumer = new Sensor.Sessions.AppLayer.AppLayerFactory(recorder.Context).CreateConsumer(EventRecorder.Flow(443))!;
        consumer.OnData(Direction.ToServer, new System.Buffers.ReadOnlySequence<byte>(TlsVectors.AnthropicClientHelloRecords[..100]));
        consumer.OnGap(Direction.ToServer, 50);
        consumer.OnData(Direction.ToServer, new System.Buffers.ReadOnlySequence<byte>(TlsVectors.AnthropicClientHelloRecords[150..]));
        consumer.OnEnd(Direction.ToServer, EndReason.Fin);

        Assert.Empty(recorder.Events);
    }

    [Fact]
    public void GarbageConversations_NeverThrow()
    {
        var random = new Random(1);
        var hello = TlsVectors.AnthropicClientHelloRecords;
        var server = CaptureStreams.FirstHelloRecords(TlsConversation.Tls12.ToClient);
        for (var i = 0; i < 300; i++)
        {
            TlsConversation.Run(
                [
                    (Direction.ToServer, Segments.TruncateWithGarbage(hello, random, random.Next(hello.Length + 1), random.Next(0, 100))),
                    (Direction.ToClient, i % 2 == 0 ? Segments.Mutate(server, random, 3) : Segments.TruncateWithGarbage(server, random, random.Next(server.Length), 50)),
                ],
                random,
                maxChunk: 40);
        }
    }
}
