namespace Sensor.Protocols.Quic;

/// <summary>QUIC variable-length integers (RFC 9000 §16): the two top bits give the length (1, 2, 4 or 8 bytes).</summary>
public static class QuicVarInt
{
    public static bool TryRead(ReadOnlySpan<byte> input, ref int at, out ulong value)
    {
        value = 0;
        if (at >= input.Length)
        {
            return false;
        }

        var length = 1 << (input[at] >> 6);
        if (at + length > input.Length)
        {
            return false;
        }

        value = (ulong)(input[at] & 0x3F);
        for (var i = 1; i < length; i++)
        {
            value = (value << 8) | input[at + i];
        }

        at += length;
        return true;
    }
}
