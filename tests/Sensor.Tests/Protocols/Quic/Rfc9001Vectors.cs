using System.Buffers.Binary;
using System.Security.Cryptography;
using Sensor.Protocols.Quic;

namespace Sensor.Tests.Protocols.Quic;

/// <summary>
/// RFC 9001 Appendix A (and RFC 9369 Appendix A for QUIC v2): the client's Initial for DCID 0x8394c8f03e515708.
/// The protected packet is rebuilt here from the appendix's unprotected header and payload with this file's own
/// packet protection (RFC 9001 §5.3-5.4), and checked against the protected bytes the appendix prints.
/// </summary>
internal static class Rfc9001Vectors
{
    public static readonly byte[] s_destinationConnectionId = Convert.FromHexString("8394c8f03e515708");

    /// <summary>A.2 unprotected header: Initial, 4-byte packet number, v1, DCID, no SCID, no token, Length 0x049e, packet number 2.</summary>
    public static readonly byte[] s_unprotectedHeader = Convert.FromHexString("c300000001088394c8f03e5157080000449e00000002");

    public const int PacketNumberOffset = 18;

    /// <summary>A.2: the CRYPTO frame (offset 0, 241 bytes) holding the ClientHello (SNI example.com, ALPN "alpn").</summary>
    public static readonly byte[] s_cryptoFrame = Convert.FromHexString(
        "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868" +
        "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578" +
        "616d706c652e636f6dff01000100000a00080006001d00170018001000070005" +
        "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba" +
        "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400" +
        "0d0010000e0403050306030203080408050806002d00020101001c0002400100" +
        "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000" +
        "75300901100f088394c8f03e51570806048000ffff");

    /// <summary>A.2: the payload is the CRYPTO frame padded with PADDING frames (zero bytes) to 1162 bytes.</summary>
    public static byte[] Payload => [.. s_cryptoFrame, .. new byte[1162 - s_cryptoFrame.Length]];

    // A.2: what the appendix prints for the protected packet.
    public const string ProtectedHeader = "c000000001088394c8f03e5157080000449e7b9aec34";
    public const string Sample = "d1b1c98dd7689fb8ec11d242b123dc9b";
    public const string Mask = "437b9aec36";
    public const string ProtectedTail = "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241e221af44860018ab0856972e194cd934";

    private static readonly Lazy<byte[]> s_protected = new(() => Protect(s_unprotectedHeader, PacketNumberOffset, 2, Payload, QuicInitialKeys.ForClient(QuicVersion.V1, s_destinationConnectionId)));

    /// <summary>The 1200-byte protected client Initial of A.2.</summary>
    public static byte[] ProtectedPacket => s_protected.Value;

    /// <summary>RFC 9001 §5.3 (AEAD_AES_128_GCM, nonce = IV xor packet number) and §5.4 (AES header protection).</summary>
    public static byte[] Protect(byte[] header, int packetNumberOffset, ulong packetNumber, byte[] payload, QuicInitialKeys keys)
    {
        var nonce = keys.Iv.ToArray();
        for (var i = 0; i < 8; i++)
        {
            nonce[11 - i] ^= (byte)(packetNumber >> (8 * i));
        }

        var packet = new byte[header.Length + payload.Length + 16];
        header.CopyTo(packet, 0);
        using (var aead = new AesGcm(keys.Key, 16))
        {
            aead.Encrypt(nonce, payload, packet.AsSpan(header.Length, payload.Length), packet.AsSpan(header.Length + payload.Length), header);
        }

        using var aes = Aes.Create();
        aes.Key = keys.HeaderProtection.ToArray();
        var mask = aes.EncryptEcb(packet.AsSpan(packetNumberOffset + 4, 16), PaddingMode.None);
        var packetNumberLength = (header[0] & 0x03) + 1;
        packet[0] ^= (byte)(mask[0] & ((packet[0] & 0x80) != 0 ? 0x0F : 0x1F));
        for (var i = 0; i < packetNumberLength; i++)
        {
            packet[packetNumberOffset + i] ^= mask[1 + i];
        }

        return packet;
    }

    /// <summary>A client Initial to the A.2 DCID with any payload (at least 16 bytes) and packet number: 4-byte packet number, no token.</summary>
    public static byte[] Initial(ulong packetNumber, byte[] payload, uint version = QuicVersion.V1)
    {
        var length = 4 + payload.Length + 16;
        byte[] header =
        [
            version == QuicVersion.V2 ? (byte)0xD3 : (byte)0xC3, 0, 0, 0, 0,
            0x08, .. s_destinationConnectionId, 0x00, // DCID, empty SCID
            0x00,                                     // token length 0
            (byte)(0x40 | (length >> 8)), (byte)length,
            (byte)(packetNumber >> 24), (byte)(packetNumber >> 16), (byte)(packetNumber >> 8), (byte)packetNumber,
        ];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), version);
        return Protect(header, PacketNumberOffset, packetNumber, payload, QuicInitialKeys.ForClient(version, s_destinationConnectionId));
    }

    /// <summary>A v2 (RFC 9369) Initial carrying the same payload: long-header type bits 01, the v2 version and keys.</summary>
    public static byte[] ProtectedPacketV2()
    {
        var header = (byte[])s_unprotectedHeader.Clone();
        header[0] = 0xD3; // 1 1 01 00 11: Initial in v2 is type 0b01
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), QuicVersion.V2);
        return Protect(header, PacketNumberOffset, 2, Payload, QuicInitialKeys.ForClient(QuicVersion.V2, s_destinationConnectionId));
    }
}
