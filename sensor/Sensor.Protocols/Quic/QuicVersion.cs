namespace Sensor.Protocols.Quic;

/// <summary>The QUIC versions whose Initial packets can be opened with public keys.</summary>
public static class QuicVersion
{
    /// <summary>RFC 9000.</summary>
    public const uint V1 = 0x00000001;

    /// <summary>RFC 9369.</summary>
    public const uint V2 = 0x6B3343CF;

    /// <summary>RFC 9001 §5.2 initial_salt for version 1.</summary>
    public static ReadOnlySpan<byte> SaltV1 => [0x38, 0x76, 0x2C, 0xF7, 0xF5, 0x59, 0x34, 0xB3, 0x4D, 0x17, 0x9A, 0xE6, 0xA4, 0xC8, 0x0C, 0xAD, 0xCC, 0xBB, 0x7F, 0x0A];

    /// <summary>RFC 9369 §3.3.1 initial_salt for version 2.</summary>
    public static ReadOnlySpan<byte> SaltV2 => [0x0D, 0xED, 0xE3, 0xDE, 0xF7, 0x00, 0xA6, 0xDB, 0x81, 0x93, 0x81, 0xBE, 0x6E, 0x26, 0x9D, 0xCB, 0xF9, 0xBD, 0x2E, 0xD9];

    public static bool IsSupported(uint version) => version is V1 or V2;

    public static string Name(uint version) => version switch
    {
        V1 => "1",
        V2 => "2",
        _ => "0x" + version.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
    };
}
