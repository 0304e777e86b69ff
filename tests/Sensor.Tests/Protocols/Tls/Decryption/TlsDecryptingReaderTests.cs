using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Sensor.Protocols.Tls.Decryption;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Tls.Decryption;

/// <summary>
/// One direction of a connection through <see cref="TlsDecryptingReader"/>: key phases (TLS 1.3 handshake keys until
/// Finished, application keys after, KeyUpdate; TLS 1.2 after ChangeCipherSpec), and the parser properties: every
/// prefix, every two-way split, random chunking, garbage after a valid prefix give a state, never an exception.
/// </summary>
public sealed class TlsDecryptingReaderTests
{
    private static readonly byte[] s_handshakeSecret = Enumerable.Range(0, 32).Select(i => (byte)(i + 1)).ToArray();
    private static readonly byte[] s_trafficSecret = Enumerable.Range(0, 32).Select(i => (byte)(0x80 + i)).ToArray();
    private static readonly byte[] s_request = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\npong");
    private static readonly byte[] s_afterUpdate = Encoding.ASCII.GetBytes("data after the key update");

    [Fact]
    public void Tls13ServerFlight_HandshakeKeys_ThenApplicationKeys_ThenKeyUpdate()
    {
        var (stream, expected) = Tls13Server();

        var result = Run(Tls13Keys(), [stream]);

        Assert.Equal(TlsDecryptingState.Active, result.State);
        Assert.Equal(expected, result.Plaintext);
        Assert.Equal("h2", result.Alpn);
    }

    [Fact]
    public void Tls12Client_DecryptsAfterChangeCipherSpec()
    {
        var (stream, keys, expected) = Tls12Client();

        var result = Run(keys, [stream]);

        Assert.Equal(TlsDecryptingState.Active, result.State);
        Assert.Equal(expected, result.Plaintext);
        Assert.Equal(3, result.Records); // Finished + two application records
    }

    [Fact]
    public void EveryTwoWaySplit_GivesTheSamePlaintext()
    {
        foreach (var (stream, keys, expected) in Streams())
        {
            for (var cut = 1; cut < stream.Length; cut++)
            {
                var result = Run(keys, Segments.SplitAt(stream, cut));
                Assert.True(expected.AsSpan().SequenceEqual(result.Plaintext), $"cut {cut}");
            }
        }
    }

    [Fact]
    public void RandomChunking_AsCallsAndAsMultiSegmentSequences_GivesTheSamePlaintext()
    {
        var random = new Random(7366);
        foreach (var (stream, keys, expected) in Streams())
        {
            for (var round = 0; round < 50; round++)
            {
                var chunks = Segments.RandomChunks(stream, random, round % 2 == 0 ? 7 : 300);
                Assert.Equal(expected, Run(keys, chunks).Plaintext);
                Assert.Equal(expected, Run(keys, chunks, asOneSequence: true).Plaintext);
            }
        }
    }

    [Fact]
    public void EveryPrefix_GivesAPrefixOfThePlaintext_AndNoFailure()
    {
        foreach (var (stream, keys, expected) in Streams())
        {
            for (var keep = 0; keep <= stream.Length; keep++)
            {
                var result = Run(keys, [stream[..keep]]);
                Assert.Equal(TlsDecryptingState.Active, result.State);
                Assert.True(expected.AsSpan().StartsWith(result.Plaintext), $"prefix {keep}");
            }
        }
    }

    [Fact]
    public void GarbageAfterAValidPrefix_GivesAStateNeverAnException()
    {
        var random = new Random(8448);
        foreach (var (stream, keys, expected) in Streams())
        {
            for (var round = 0; round < 300; round++)
            {
                var keep = random.Next(0, stream.Length);
                var input = Segments.TruncateWithGarbage(stream, random, keep, random.Next(1, 200));
                var result = Run(keys, Segments.RandomChunks(input, random, 64));
                Assert.True(expected.AsSpan().StartsWith(result.Plaintext), $"round {round}");
            }
        }
    }

    [Fact]
    public void AFlippedCiphertextBit_FailsThatDirection_WithAuthenticationFailed()
    {
        var (stream, expected) = Tls13Server();
        var lastRecordByte = stream.Length - 1;
        stream[lastRecordByte] ^= 0x40;

        var result = Run(Tls13Keys(), [stream]);

        Assert.Equal(TlsDecryptingState.Failed, result.State);
        Assert.Equal(TlsDecryptStatus.AuthenticationFailed, result.Failure);
        Assert.Equal(expected[..s_request.Length], result.Plaintext);
    }

    [Fact]
    public void ApplicationDataBeforeKeys_TurnsTheReaderOff()
    {
        using var reader = new TlsDecryptingReader();
        var handler = new Handler();

        reader.Feed(new ReadOnlySequence<byte>([22, 3, 3, 0, 1, 0, 23, 3, 3, 0, 1, 0]), handler);

        Assert.Equal(TlsDecryptingState.Off, reader.State);
        Assert.Empty(handler.Plaintext);
    }

    [Fact]
    public void Tls13Client_RejectedEarlyData_IsSkipped_ThenTheHandshakeRecordsOpen()
    {
        var (stream, expected) = Tls13Server();
        byte[] earlyData = [.. TlsRecordSealer.Header(23, 200), .. RandomNumberGenerator.GetBytes(200)];
        var helloEnd = 5 + 4;
        byte[] withEarly = [.. stream[..helloEnd], .. earlyData, .. stream[helloEnd..]];

        var strict = Run(Tls13Keys(), [withEarly]);
        var trial = Run(Tls13Keys(), [withEarly], mayHaveEarlyData: true);

        Assert.Equal(TlsDecryptStatus.AuthenticationFailed, strict.Failure);
        Assert.Equal(expected, trial.Plaintext);
    }

    private static IEnumerable<(byte[] Stream, TlsDirectionKeys Keys, byte[] Expected)> Streams()
    {
        var (tls13, expected13) = Tls13Server();
        yield return (tls13, Tls13Keys(), expected13);
        var (tls12, keys12, expected12) = Tls12Client();
        yield return (tls12, keys12, expected12);
    }

    private static TlsDirectionKeys Tls13Keys()
    {
        Assert.True(TlsCipherSuite.TryGet(0x1301, out var suite));
        return TlsDirectionKeys.Tls13(suite, s_handshakeSecret, s_trafficSecret);
    }

    /// <summary>
    /// A server's TLS 1.3 flight: ServerHello (clear), a compatibility ChangeCipherSpec, EncryptedExtensions split over two
    /// records, Certificate + Finished in one record, then application data, a KeyUpdate, and data under the next keys.
    /// </summary>
    private static (byte[] Stream, byte[] Expected) Tls13Server()
    {
        Assert.True(TlsCipherSuite.TryGet(0x1301, out var suite));
        var sealer = new TlsRecordSealer(suite, Key(suite, s_handshakeSecret), Iv(suite, s_handshakeSecret));
        byte[] alpn = [0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, (byte)'h', (byte)'2'];
        byte[] encryptedExtensions = [8, 0, 0, (byte)(alpn.Length + 2), 0, (byte)alpn.Length, .. alpn];
        byte[] certificate = [11, 0, 0, 40, .. new byte[40]];
        byte[] finished = [20, 0, 0, 32, .. new byte[32]];
        var output = new MemoryStream();
        output.Write([22, 3, 3, 0, 4, 2, 0, 0, 0]);                  // "ServerHello" (the reader only skips it)
        output.Write([20, 3, 3, 0, 1, 1]);                           // middlebox compatibility ChangeCipherSpec
        output.Write(sealer.Seal(22, encryptedExtensions[..7]));
        output.Write(sealer.Seal(22, [.. encryptedExtensions[7..], .. certificate[..3]], tls13Padding: 5));
        output.Write(sealer.Seal(22, [.. certificate[3..], .. finished]));
        sealer.Rekey(Key(suite, s_trafficSecret), Iv(suite, s_trafficSecret));
        output.Write(sealer.Seal(23, s_request));
        output.Write(sealer.Seal(22, [24, 0, 0, 1, 0]));              // KeyUpdate(update_not_requested)
        var next = new byte[32];
        Tls13KeySchedule.NextTrafficSecret(suite.Hash, s_trafficSecret, next);
        sealer.Rekey(Key(suite, next), Iv(suite, next));
        output.Write(sealer.Seal(23, s_afterUpdate, tls13Padding: 30));
        return (output.ToArray(), [.. s_request, .. s_afterUpdate]);
    }

    /// <summary>A TLS 1.2 client: ClientHello and ClientKeyExchange in the clear, ChangeCipherSpec, then everything sealed (AES-128-GCM).</summary>
    private static (byte[] Stream, TlsDirectionKeys Keys, byte[] Expected) Tls12Client()
    {
        Assert.True(TlsCipherSuite.TryGet(0xC02F, out var suite));
        var key = Enumerable.Range(0, 16).Select(i => (byte)(3 * i)).ToArray();
        byte[] iv = [9, 8, 7, 6];
        var sealer = new TlsRecordSealer(suite, (byte[])key.Clone(), (byte[])iv.Clone());
        var output = new MemoryStream();
        output.Write([22, 3, 1, 0, 6, 1, 0, 0, 2, 3, 3]);
        output.Write([22, 3, 3, 0, 5, 16, 0, 0, 1, 0]);
        output.Write([20, 3, 3, 0, 1, 1]);
        output.Write(sealer.Seal(22, [20, 0, 0, 12, .. new byte[12]]));
        output.Write(sealer.Seal(23, s_request));
        output.Write(sealer.Seal(23, s_afterUpdate));
        return (output.ToArray(), TlsDirectionKeys.Tls12(suite, key, iv, []), [.. s_request, .. s_afterUpdate]);
    }

    private static byte[] Key(TlsCipherSuite suite, byte[] secret)
    {
        var key = new byte[suite.KeyLength];
        Tls13KeySchedule.TrafficKeys(suite.Hash, secret, key, new byte[12]);
        return key;
    }

    private static byte[] Iv(TlsCipherSuite suite, byte[] secret)
    {
        var iv = new byte[12];
        Tls13KeySchedule.TrafficKeys(suite.Hash, secret, new byte[suite.KeyLength], iv);
        return iv;
    }

    private sealed record Result(TlsDecryptingState State, TlsDecryptStatus Failure, byte[] Plaintext, string? Alpn, long Records);

    private static Result Run(TlsDirectionKeys keys, byte[][] chunks, bool asOneSequence = false, bool mayHaveEarlyData = false)
    {
        using var reader = new TlsDecryptingReader();
        reader.Arm(keys, mayHaveEarlyData: mayHaveEarlyData);
        var handler = new Handler();
        if (asOneSequence)
        {
            reader.Feed(Segments.Sequence(chunks), handler);
        }
        else
        {
            foreach (var chunk in chunks)
            {
                reader.Feed(new ReadOnlySequence<byte>(chunk), handler);
            }
        }

        return new Result(reader.State, reader.Failure, [.. handler.Plaintext], handler.Alpn, reader.RecordsDecrypted);
    }

    private sealed class Handler : ITlsPlaintextHandler
    {
        public List<byte> Plaintext { get; } = [];

        public string? Alpn { get; private set; }

        public void OnApplicationData(ReadOnlyMemory<byte> plaintext) => Plaintext.AddRange(plaintext.Span);

        public void OnEncryptedExtensions(ReadOnlySpan<byte> body)
        {
            if (Sensor.Protocols.Tls.TlsExtensions.TryServerAlpn(body, out var name))
            {
                Alpn = Encoding.ASCII.GetString(body[name]);
            }
        }
    }
}
