namespace Sensor.Protocols.Tls;

/// <summary>Wire values of TLS (RFC 8446, RFC 5246) used by the parsers.</summary>
public static class TlsConstants
{
    // TLSPlaintext.type (RFC 8446 §5.1)
    public const byte ContentChangeCipherSpec = 20;
    public const byte ContentAlert = 21;
    public const byte ContentHandshake = 22;
    public const byte ContentApplicationData = 23;

    // HandshakeType (RFC 8446 §4)
    public const byte ClientHello = 1;
    public const byte ServerHello = 2;
    public const byte Certificate = 11;

    // ExtensionType (IANA TLS ExtensionType Values)
    public const ushort ExtServerName = 0x0000;
    public const ushort ExtSupportedGroups = 0x000A;
    public const ushort ExtEcPointFormats = 0x000B;
    public const ushort ExtSignatureAlgorithms = 0x000D;
    public const ushort ExtAlpn = 0x0010;
    public const ushort ExtSupportedVersions = 0x002B;
    public const ushort ExtEncryptedClientHello = 0xFE0D;

    /// <summary>RFC 8446 §5.1: a record fragment is at most 2^14 bytes (+256 for TLS 1.3 ciphertext, +2048 in TLS 1.2).</summary>
    public const int MaxRecordFragment = (1 << 14) + 2048;

    /// <summary>
    /// The largest ClientHello we buffer. Post-quantum key shares (X25519MLKEM768: 1,216 bytes) plus padding make
    /// hellos of 2-3 KiB spanning records and segments; 64 KiB leaves room for odd clients and bounds hostile ones.
    /// </summary>
    public const int MaxHandshakeMessage = 64 * 1024;

    /// <summary>RFC 8701 GREASE values: 0x?A?A with both bytes equal.</summary>
    public static bool IsGrease(ushort value) => (value & 0x0F0F) == 0x0A0A && (value >> 8) == (value & 0xFF);
}
