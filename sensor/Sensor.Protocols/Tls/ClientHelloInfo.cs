namespace Sensor.Protocols.Tls;

/// <summary>
/// What <see cref="ClientHelloReader"/> found: ranges into the ClientHello body (never copies), so the
/// caller decides what to materialise. Lists are kept as their raw wire bytes.
/// </summary>
public struct ClientHelloInfo
{
    public ushort LegacyVersion;
    public Range Random;
    public Range SessionId;

    /// <summary>cipher_suites: 2-byte values.</summary>
    public Range CipherSuites;

    /// <summary>The extensions block: (type(2) length(2) data)*.</summary>
    public Range Extensions;
    public int ExtensionCount;

    /// <summary>The first host_name of server_name (RFC 6066 §3).</summary>
    public Range ServerName;
    public bool HasServerName;

    /// <summary>ALPN ProtocolNameList body: (length(1) name)* (RFC 7301).</summary>
    public Range Alpn;
    public bool HasAlpn;

    /// <summary>supported_versions body (client form): 2-byte values.</summary>
    public Range SupportedVersions;
    public bool HasSupportedVersions;

    /// <summary>signature_algorithms: 2-byte values.</summary>
    public Range SignatureAlgorithms;
    public bool HasSignatureAlgorithms;

    /// <summary>supported_groups (JA3's "elliptic curves"): 2-byte values.</summary>
    public Range SupportedGroups;

    /// <summary>ec_point_formats: 1-byte values.</summary>
    public Range PointFormats;

    /// <summary>encrypted_client_hello (0xfe0d): the real SNI is hidden in the inner hello.</summary>
    public bool HasEncryptedClientHello;

    /// <summary>
    /// The highest version offered: from supported_versions when present (RFC 8446 §4.2.1: then legacy_version is
    /// ignored), GREASE left out; else legacy_version. <paramref name="body"/> is the hello these ranges point into.
    /// </summary>
    public readonly ushort HighestVersion(ReadOnlySpan<byte> body)
    {
        ushort highest = 0;
        if (HasSupportedVersions)
        {
            var list = body[SupportedVersions];
            for (var i = 0; i + 1 < list.Length; i += 2)
            {
                var v = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(list[i..]);
                if (!TlsConstants.IsGrease(v) && v > highest)
                {
                    highest = v;
                }
            }
        }

        return highest != 0 ? highest : LegacyVersion;
    }
}
