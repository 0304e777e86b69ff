using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Sensor.Core.Parsing;

namespace Sensor.Protocols.Quic;

/// <summary>
/// Opens client Initial packets (RFC 9001 §5): long header, header protection, AEAD_AES_128_GCM. One UDP datagram
/// may hold several coalesced packets; <see cref="TryOpen"/> reads the one at the start and says where the next begins.
/// </summary>
public static class QuicInitialPacket
{
    // Long Header Packet {
    //   Header Form (1) = 1, Fixed Bit (1) = 1, Long Packet Type (2), Reserved (2), Packet Number Length (2),
    //   Version (32), DCID Length (8), DCID (0..160), SCID Length (8), SCID (0..160),
    //   Initial only: Token Length (i), Token (..), Length (i), Packet Number (8..32), Packet Payload (..) }
    private const int TagLength = 16;
    private const int SampleLength = 16;
    private const int MaxConnectionIdLength = 20;

    /// <summary>Headers up to this size are unprotected on the stack (no token: about 50 bytes).</summary>
    private const int MaxStackHeader = 256;

    /// <summary>Reads the long header at the start of <paramref name="datagram"/> without decrypting.</summary>
    public static ParseStatus TryReadHeader(ReadOnlySpan<byte> datagram, out uint version, out Range destinationConnectionId, out bool isInitial, out int packetLength)
    {
        version = 0;
        destinationConnectionId = default;
        isInitial = false;
        packetLength = 0;
        if (datagram.Length < 7 || (datagram[0] & 0x80) == 0)
        {
            return ParseStatus.Invalid; // short header or too small: not an Initial
        }

        version = BinaryPrimitives.ReadUInt32BigEndian(datagram[1..]);
        var at = 5;
        int dcidLength = datagram[at++];
        if (dcidLength > MaxConnectionIdLength || at + dcidLength + 1 > datagram.Length)
        {
            return ParseStatus.Invalid;
        }

        destinationConnectionId = at..(at + dcidLength);
        at += dcidLength;
        int scidLength = datagram[at++];
        if (scidLength > MaxConnectionIdLength || at + scidLength > datagram.Length)
        {
            return ParseStatus.Invalid;
        }

        at += scidLength;
        if (!QuicVersion.IsSupported(version))
        {
            return ParseStatus.Unsupported;
        }

        var type = (datagram[0] >> 4) & 0x03;
        isInitial = version == QuicVersion.V2 ? type == 0b01 : type == 0b00;
        if (!isInitial)
        {
            return ParseStatus.Done; // Handshake/0-RTT/Retry: the caller skips it (length unknown for Retry: stop)
        }

        if (!QuicVarInt.TryRead(datagram, ref at, out var tokenLength) || (ulong)(datagram.Length - at) < tokenLength)
        {
            return ParseStatus.Invalid;
        }

        at += (int)tokenLength;
        if (!QuicVarInt.TryRead(datagram, ref at, out var length) || (ulong)(datagram.Length - at) < length || length < 1 + TagLength)
        {
            return ParseStatus.Invalid;
        }

        packetLength = at + (int)length;
        return ParseStatus.Done;
    }

    /// <summary>
    /// Decrypts the Initial packet at the start of <paramref name="datagram"/> into <paramref name="plaintext"/>
    /// (at least the packet length). Returns the plaintext length, or -1 when it does not open (not ours, corrupt).
    /// </summary>
    public static int TryOpen(ReadOnlySpan<byte> datagram, in QuicInitialKeys keys, AesGcm aead, Aes headerProtection, Span<byte> plaintext, out int packetLength)
    {
        packetLength = 0;
        if (TryReadHeader(datagram, out _, out _, out var isInitial, out packetLength) != ParseStatus.Done || !isInitial)
        {
            return -1;
        }

        // Find the packet number offset again (after Length).
        var at = 6 + datagram[5];
        at += 1 + datagram[at];
        QuicVarInt.TryRead(datagram, ref at, out var tokenLength);
        at += (int)tokenLength;
        QuicVarInt.TryRead(datagram, ref at, out _);
        var pnOffset = at;
        if (pnOffset + 4 + SampleLength > packetLength)
        {
            return -1;
        }

        // Header protection (RFC 9001 §5.4): mask = AES-ECB(hp, sample).
        Span<byte> mask = stackalloc byte[16];
        headerProtection.EncryptEcb(datagram.Slice(pnOffset + 4, SampleLength), mask, PaddingMode.None);
        // The header includes the client's token, whose length the sender picks: stack for the usual
        // sizes, a pooled array for long tokens, so a hostile datagram cannot drive a large stack allocation.
        byte[]? rented = null;
        var header = pnOffset + 4 <= MaxStackHeader ? stackalloc byte[pnOffset + 4] : (rented = ArrayPool<byte>.Shared.Rent(pnOffset + 4)).AsSpan(0, pnOffset + 4);
        datagram[..(pnOffset + 4)].CopyTo(header);
        header[0] ^= (byte)(mask[0] & 0x0F);
        var pnLength = (header[0] & 0x03) + 1;
        ulong packetNumber = 0;
        for (var i = 0; i < pnLength; i++)
        {
            header[pnOffset + i] ^= mask[1 + i];
            packetNumber = (packetNumber << 8) | header[pnOffset + i];
        }

        // Nonce = IV XOR packet number (left-padded); AAD = the unprotected header.
        Span<byte> nonce = stackalloc byte[12];
        keys.Iv.CopyTo(nonce);
        for (var i = 0; i < 8; i++)
        {
            nonce[11 - i] ^= (byte)(packetNumber >> (8 * i));
        }

        var payloadStart = pnOffset + pnLength;
        var cipherLength = packetLength - payloadStart - TagLength;
        if (cipherLength <= 0 || plaintext.Length < cipherLength)
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            return -1;
        }

        try
        {
            aead.Decrypt(nonce, datagram.Slice(payloadStart, cipherLength), datagram.Slice(payloadStart + cipherLength, TagLength), plaintext[..cipherLength], header[..payloadStart]);
            return cipherLength;
        }
        catch (AuthenticationTagMismatchException)
        {
            return -1;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
