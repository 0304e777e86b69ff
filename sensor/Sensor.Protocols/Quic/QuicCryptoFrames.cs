namespace Sensor.Protocols.Quic;

/// <summary>Receives CRYPTO frame data from <see cref="QuicCryptoFrames.Read"/>.</summary>
public interface IQuicCryptoHandler
{
    void OnCrypto(ulong offset, ReadOnlySpan<byte> data);
}

/// <summary>Walks the frames of a decrypted Initial payload (RFC 9000 §19) and hands CRYPTO data on.</summary>
public static class QuicCryptoFrames
{
    /// <summary>Returns false on a frame that may not appear in an Initial packet or is malformed.</summary>
    public static bool Read(ReadOnlySpan<byte> payload, IQuicCryptoHandler handler)
    {
        var at = 0;
        while (at < payload.Length)
        {
            if (!QuicVarInt.TryRead(payload, ref at, out var type))
            {
                return false;
            }

            switch (type)
            {
                case 0x00: // PADDING
                case 0x01: // PING
                    break;

                case 0x02: // ACK: largest, delay, range count, first range, (gap, length) x range count
                case 0x03: // ACK with ECN counts: three more varints
                    if (!QuicVarInt.TryRead(payload, ref at, out _) || !QuicVarInt.TryRead(payload, ref at, out _) ||
                        !QuicVarInt.TryRead(payload, ref at, out var ranges) || !QuicVarInt.TryRead(payload, ref at, out _) ||
                        ranges > (ulong)payload.Length || !Skip(payload, ref at, (int)ranges * 2) || (type == 0x03 && !Skip(payload, ref at, 3)))
                    {
                        return false;
                    }

                    break;

                case 0x06: // CRYPTO: offset, length, data
                    if (!QuicVarInt.TryRead(payload, ref at, out var offset) || !QuicVarInt.TryRead(payload, ref at, out var length) ||
                        (ulong)(payload.Length - at) < length)
                    {
                        return false;
                    }

                    handler.OnCrypto(offset, payload.Slice(at, (int)length));
                    at += (int)length;
                    break;

                case 0x1C: // CONNECTION_CLOSE: error code, frame type, reason
                    if (!Skip(payload, ref at, 2) || !QuicVarInt.TryRead(payload, ref at, out var reason) || (ulong)(payload.Length - at) < reason)
                    {
                        return false;
                    }

                    at += (int)reason;
                    break;

                default:
                    return false;
            }
        }

        return true;
    }

    private static bool Skip(ReadOnlySpan<byte> payload, ref int at, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!QuicVarInt.TryRead(payload, ref at, out _))
            {
                return false;
            }
        }

        return true;
    }
}
