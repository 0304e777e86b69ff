using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Sensor.Protocols.Quic;

/// <summary>
/// The client's Initial packet protection keys (RFC 9001 §5.2, RFC 9369 §3.3): derived from the public salt
/// and the Destination Connection ID the client chose, so any observer can open Initial packets.
/// </summary>
public readonly struct QuicInitialKeys
{
    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly byte[] _headerProtection;

    private QuicInitialKeys(byte[] key, byte[] iv, byte[] headerProtection)
    {
        _key = key;
        _iv = iv;
        _headerProtection = headerProtection;
    }

    public ReadOnlySpan<byte> Key => _key;

    public ReadOnlySpan<byte> Iv => _iv;

    public ReadOnlySpan<byte> HeaderProtection => _headerProtection;

    public static QuicInitialKeys ForClient(uint version, ReadOnlySpan<byte> destinationConnectionId)
    {
        var v2 = version == QuicVersion.V2;
        Span<byte> initial = stackalloc byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, destinationConnectionId, v2 ? QuicVersion.SaltV2 : QuicVersion.SaltV1, initial);
        Span<byte> client = stackalloc byte[32];
        ExpandLabel(initial, "client in", client);
        var key = new byte[16];
        var iv = new byte[12];
        var hp = new byte[16];
        ExpandLabel(client, v2 ? "quicv2 key" : "quic key", key);
        ExpandLabel(client, v2 ? "quicv2 iv" : "quic iv", iv);
        ExpandLabel(client, v2 ? "quicv2 hp" : "quic hp", hp);
        return new QuicInitialKeys(key, iv, hp);
    }

    /// <summary>HKDF-Expand-Label (RFC 8446 §7.1) with an empty context.</summary>
    private static void ExpandLabel(ReadOnlySpan<byte> secret, string label, Span<byte> output)
    {
        // struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } HkdfLabel;
        var fullLabel = "tls13 " + label;
        Span<byte> info = stackalloc byte[2 + 1 + fullLabel.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)output.Length);
        info[2] = (byte)fullLabel.Length;
        Encoding.ASCII.GetBytes(fullLabel, info[3..]);
        info[^1] = 0;
        HKDF.Expand(HashAlgorithmName.SHA256, secret, output, info);
    }
}
