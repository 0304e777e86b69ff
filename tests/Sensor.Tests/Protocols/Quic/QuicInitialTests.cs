using System.Buffers.Binary;
using System.Security.Cryptography;
using Sensor.Core.Parsing;
using Sensor.Protocols.Quic;
using Sensor.Protocols.Tls;
using Sensor.Tests.Protocols.Tls;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Quic;

public sealed class QuicInitialTests
{
    [Fact]
    public void ClientKeys_V1_AreRfc9001AppendixA1()
    {
        var keys = QuicInitialKeys.ForClient(QuicVersion.V1, Rfc9001Vectors.s_destinationConnectionId);

        Assert.Equal("1f369613dd76d5467730efcbe3b1a22d", Convert.ToHexStringLower(keys.Key));
        Assert.Equal("fa044b2f42a3fd3b46fb255c", Convert.ToHexStringLower(keys.Iv));
        Assert.Equal("9f50449e04a0e810283a1e9933adedd2", Convert.ToHexStringLower(keys.HeaderProtection));
    }

    [Fact]
    public void ClientKeys_V2_AreRfc9369AppendixA1()
    {
        var keys = QuicInitialKeys.ForClient(QuicVersion.V2, Rfc9001Vectors.s_destinationConnectionId);

        Assert.Equal("8b1a0bc121284290a29e0971b5cd045d", Convert.ToHexStringLower(keys.Key));
        Assert.Equal("91f73e2351d8fa91660e909f", Convert.ToHexStringLower(keys.Iv));
        Assert.Equal("45b95e15235d6f45a6b19cbcb0294ba9", Convert.ToHexStringLower(keys.HeaderProtection));
    }

    [Fact]
    public void RebuiltA2Packet_MatchesTheAppendixBytes()
    {
        // Checks the vector this file builds before anything is tested with it.
        var packet = Rfc9001Vectors.ProtectedPacket;

        Assert.Equal(1200, packet.Length);
        Assert.Equal(Rfc9001Vectors.ProtectedHeader, Convert.ToHexStringLower(packet.AsSpan(0, 22)));
        Assert.Equal(Rfc9001Vectors.Sample, Convert.ToHexStringLower(packet.AsSpan(22, 16)));
        Assert.Equal(Rfc9001Vectors.ProtectedTail, Convert.ToHexStringLower(packet.AsSpan(1200 - 48)));

        using var aes = Aes.Create();
        aes.Key = QuicInitialKeys.ForClient(QuicVersion.V1, Rfc9001Vectors.s_destinationConnectionId).HeaderProtection.ToArray();
        Assert.Equal(Rfc9001Vectors.Mask, Convert.ToHexStringLower(aes.EncryptEcb(Convert.FromHexString(Rfc9001Vectors.Sample), PaddingMode.None).AsSpan(0, 5)));
    }

    [Fact]
    public void Header_OfTheA2Packet()
    {
        var packet = Rfc9001Vectors.ProtectedPacket;

        Assert.Equal(ParseStatus.Done, QuicInitialPacket.TryReadHeader(packet, out var version, out var dcid, out var isInitial, out var length));
        Assert.Equal(QuicVersion.V1, version);
        Assert.Equal(Rfc9001Vectors.s_destinationConnectionId, packet[dcid]);
        Assert.True(isInitial);
        Assert.Equal(1200, length);
    }

    [Fact]
    public void A2Packet_Opens_ToTheAppendixPayload()
    {
        Assert.Equal(Rfc9001Vectors.Payload, Open(Rfc9001Vectors.ProtectedPacket, QuicVersion.V1));
    }

    [Fact]
    public void V2Packet_Opens_WithTheV2Keys()
    {
        var packet = Rfc9001Vectors.ProtectedPacketV2();

        Assert.Equal(ParseStatus.Done, QuicInitialPacket.TryReadHeader(packet, out var version, out _, out var isInitial, out _));
        Assert.Equal(QuicVersion.V2, version);
        Assert.True(isInitial);
        Assert.Equal(Rfc9001Vectors.Payload, Open(packet, QuicVersion.V2));
        Assert.Null(Open(packet, QuicVersion.V1)); // the v1 keys do not open it
    }

    [Fact]
    public void A2Payload_CryptoFrame_IsAClientHello_WithExampleComAndJa4()
    {
        var crypto = new CryptoLog();
        Assert.True(QuicCryptoFrames.Read(Rfc9001Vectors.Payload, crypto));

        var (offset, data) = Assert.Single(crypto.Frames);
        Assert.Equal(0ul, offset);
        Assert.Equal(241, data.Length);
        Assert.Equal(TlsConstants.ClientHello, data[0]);
        var body = data[4..];
        var info = default(ClientHelloInfo);
        Assert.Equal(ParseStatus.Done, ClientHelloReader.Read(body, ref info));
        Assert.Equal("example.com", System.Text.Encoding.ASCII.GetString(body[info.ServerName]));
        Assert.Equal([4, .. "alpn"u8], body[info.Alpn].ToArray());

        // JA4 by the spec, from the hello's fields: 2 ciphers, 11 extensions, ALPN "alpn".
        var expected = "q13d0211an_" + Ja4Tests.Sha12("1301,1302") + "_" +
                       Ja4Tests.Sha12("0005,000a,000d,001c,002b,002d,0033,0039,ff01_0403,0503,0603,0203,0804,0805,0806");
        Assert.Equal(expected, TlsBytes.Ja4(body, 'q'));
    }

    [Fact]
    public void CorruptedPacket_DoesNotOpen()
    {
        var packet = (byte[])Rfc9001Vectors.ProtectedPacket.Clone();
        packet[600] ^= 0x01;
        Assert.Null(Open(packet, QuicVersion.V1));
    }

    [Fact]
    public void ShortHeader_IsInvalid_AndUnknownVersion_Unsupported()
    {
        var packet = (byte[])Rfc9001Vectors.ProtectedPacket.Clone();
        Assert.Equal(ParseStatus.Invalid, QuicInitialPacket.TryReadHeader([0x40, .. packet[1..]], out _, out _, out _, out _));

        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(1), 0xFF00001D); // draft-29
        Assert.Equal(ParseStatus.Unsupported, QuicInitialPacket.TryReadHeader(packet, out _, out _, out _, out _));
    }

    [Fact]
    public void HandshakePacket_IsNotAnInitial()
    {
        var packet = (byte[])Rfc9001Vectors.ProtectedPacket.Clone();
        packet[0] = 0xE0; // long header, type 0b10 (Handshake in v1)
        Assert.Equal(ParseStatus.Done, QuicInitialPacket.TryReadHeader(packet, out _, out _, out var isInitial, out _));
        Assert.False(isInitial);
    }

    [Theory]
    [InlineData(21)] // DCID length over 20
    [InlineData(0xFF)]
    public void OverlongConnectionId_IsInvalid(byte length)
    {
        var packet = (byte[])Rfc9001Vectors.ProtectedPacket.Clone();
        packet[5] = length;
        Assert.Equal(ParseStatus.Invalid, QuicInitialPacket.TryReadHeader(packet, out _, out _, out _, out _));
    }

    /// <summary>Property (a): every strict prefix of the packet is Invalid (the Length field runs past it) or does not open.</summary>
    [Fact]
    public void EveryStrictPrefix_DoesNotOpen_AndNeverThrows()
    {
        var packet = Rfc9001Vectors.ProtectedPacket;
        using var context = new OpenContext(QuicVersion.V1);
        var plaintext = new byte[packet.Length];
        for (var length = 0; length < packet.Length; length++)
        {
            var prefix = packet.AsSpan(0, length);
            var status = QuicInitialPacket.TryReadHeader(prefix, out _, out _, out _, out _);
            Assert.True(length < 22 || status == ParseStatus.Invalid, $"prefix {length}: {status}");
            Assert.Equal(-1, QuicInitialPacket.TryOpen(prefix, context.Keys, context.Aead, context.HeaderProtection, plaintext, out _));
        }
    }

    /// <summary>Property (d): truncation plus garbage, and byte flips, never throw from the header reader or from opening.</summary>
    [Fact]
    public void TruncationWithGarbage_AndMutations_NeverThrow()
    {
        var random = new Random(9001);
        var packet = Rfc9001Vectors.ProtectedPacket;
        using var context = new OpenContext(QuicVersion.V1);
        var plaintext = new byte[2048];
        for (var i = 0; i < 600; i++)
        {
            var input = (i % 3) switch
            {
                0 => Segments.TruncateWithGarbage(packet, random, random.Next(60), random.Next(0, 40)),
                1 => Segments.TruncateWithGarbage(packet, random, random.Next(packet.Length + 1), random.Next(0, 400)),
                _ => Segments.Mutate(packet[..random.Next(1, 64)], random, random.Next(1, 4)),
            };
            Assert.True(Enum.IsDefined(QuicInitialPacket.TryReadHeader(input, out _, out _, out _, out _)));
            QuicInitialPacket.TryOpen(input, context.Keys, context.Aead, context.HeaderProtection, plaintext, out _);
        }
    }

    [Theory]
    [InlineData("c2197c5eff14e88c", 151_288_809_941_952_652ul, 8)] // RFC 9000 A.1 examples
    [InlineData("9d7f3e7d", 494_878_333ul, 4)]
    [InlineData("7bbd", 15_293ul, 2)]
    [InlineData("25", 37ul, 1)]
    [InlineData("4025", 37ul, 2)]
    public void VarInt_Rfc9000Examples(string hex, ulong value, int length)
    {
        var at = 0;
        Assert.True(QuicVarInt.TryRead(Convert.FromHexString(hex), ref at, out var read));
        Assert.Equal((value, length), (read, at));

        var truncated = 0;
        Assert.False(QuicVarInt.TryRead(Convert.FromHexString(hex).AsSpan(0, length - 1), ref truncated, out _));
    }

    /// <summary>Opens with fresh keys for <paramref name="version"/>; the plaintext, or null when it does not open.</summary>
    private static byte[]? Open(byte[] packet, uint version)
    {
        using var context = new OpenContext(version);
        var plaintext = new byte[packet.Length];
        var length = QuicInitialPacket.TryOpen(packet, context.Keys, context.Aead, context.HeaderProtection, plaintext, out var packetLength);
        if (length < 0)
        {
            return null;
        }

        Assert.Equal(packet.Length, packetLength);
        return plaintext[..length];
    }

    private sealed class OpenContext : IDisposable
    {
        public OpenContext(uint version)
        {
            Keys = QuicInitialKeys.ForClient(version, Rfc9001Vectors.s_destinationConnectionId);
            Aead = new AesGcm(Keys.Key, 16);
            HeaderProtection = Aes.Create();
            HeaderProtection.Key = Keys.HeaderProtection.ToArray();
        }

        public QuicInitialKeys Keys { get; }

        public AesGcm Aead { get; }

        public Aes HeaderProtection { get; }

        public void Dispose()
        {
            Aead.Dispose();
            HeaderProtection.Dispose();
        }
    }
}

/// <summary>Records CRYPTO frame data as <see cref="QuicCryptoFrames"/> hands it on.</summary>
internal sealed class CryptoLog : IQuicCryptoHandler
{
    public List<(ulong Offset, byte[] Data)> Frames { get; } = [];

    public void OnCrypto(ulong offset, ReadOnlySpan<byte> data) => Frames.Add((offset, data.ToArray()));
}
