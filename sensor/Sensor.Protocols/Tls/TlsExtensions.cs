using System.Buffers.Binary;

namespace Sensor.Protocols.Tls;

/// <summary>Looks inside an extensions block (<c>(type(2) length(2) data)*</c>, RFC 8446 §4.2). No allocation.</summary>
public static class TlsExtensions
{
    public const ushort EncryptThenMac = 0x0016;

    /// <summary>The data of the first extension of <paramref name="type"/>; false when absent or the block is malformed.</summary>
    public static bool TryFind(ReadOnlySpan<byte> block, ushort type, out Range data)
    {
        data = default;
        for (var p = 0; p + 4 <= block.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(block[(p + 2)..]);
            if (p + 4 + length > block.Length)
            {
                return false;
            }

            if (BinaryPrimitives.ReadUInt16BigEndian(block[p..]) == type)
            {
                data = (p + 4)..(p + 4 + length);
                return true;
            }

            p += 4 + length;
        }

        return false;
    }

    /// <summary>
    /// The one protocol name in an EncryptedExtensions body (<c>extensions&lt;0..2^16-1&gt;</c>) with an ALPN extension
    /// (<c>ProtocolNameList</c>: uint16 list length, uint8 name length, name); false when there is none.
    /// </summary>
    public static bool TryServerAlpn(ReadOnlySpan<byte> encryptedExtensions, out Range name)
    {
        name = default;
        if (encryptedExtensions.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(encryptedExtensions) != encryptedExtensions.Length - 2 ||
            !TryFind(encryptedExtensions[2..], TlsConstants.ExtAlpn, out var alpn))
        {
            return false;
        }

        var data = encryptedExtensions[2..][alpn];
        if (data.Length < 4 || data[2] == 0 || 3 + data[2] > data.Length)
        {
            return false;
        }

        var start = 2 + alpn.Start.Value + 3;
        name = start..(start + data[2]);
        return true;
    }
}
