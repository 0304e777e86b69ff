namespace Sensor.Protocols.Dns;

/// <summary>RR TYPE values (IANA DNS parameters) and their mnemonics.</summary>
public static class DnsRecordTypes
{
    public const ushort A = 1;
    public const ushort Ns = 2;
    public const ushort Cname = 5;
    public const ushort Soa = 6;
    public const ushort Ptr = 12;
    public const ushort Mx = 15;
    public const ushort Txt = 16;
    public const ushort Aaaa = 28;
    public const ushort Srv = 33;
    public const ushort Dname = 39;
    public const ushort Opt = 41;
    public const ushort Svcb = 64;
    public const ushort Https = 65;

    public static string Name(ushort type) => type switch
    {
        A => "A",
        Ns => "NS",
        Cname => "CNAME",
        Soa => "SOA",
        Ptr => "PTR",
        Mx => "MX",
        Txt => "TXT",
        Aaaa => "AAAA",
        Srv => "SRV",
        Dname => "DNAME",
        Opt => "OPT",
        Svcb => "SVCB",
        Https => "HTTPS",
        255 => "ANY",
        _ => "TYPE" + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The mnemonic of <see cref="Name"/> as UTF-8 for the types it names; empty for the TYPEnnn ones.</summary>
    public static ReadOnlySpan<byte> KnownNameUtf8(ushort type) => type switch
    {
        A => "A"u8,
        Ns => "NS"u8,
        Cname => "CNAME"u8,
        Soa => "SOA"u8,
        Ptr => "PTR"u8,
        Mx => "MX"u8,
        Txt => "TXT"u8,
        Aaaa => "AAAA"u8,
        Srv => "SRV"u8,
        Dname => "DNAME"u8,
        Opt => "OPT"u8,
        Svcb => "SVCB"u8,
        Https => "HTTPS"u8,
        255 => "ANY"u8,
        _ => default,
    };

    /// <summary>The mnemonic of <see cref="RcodeName"/> as UTF-8 for the codes it names; empty for the RCODEn ones.</summary>
    public static ReadOnlySpan<byte> KnownRcodeNameUtf8(int rcode) => rcode switch
    {
        0 => "NOERROR"u8,
        1 => "FORMERR"u8,
        2 => "SERVFAIL"u8,
        3 => "NXDOMAIN"u8,
        4 => "NOTIMP"u8,
        5 => "REFUSED"u8,
        _ => default,
    };

    public static string RcodeName(int rcode) => rcode switch
    {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => "RCODE" + rcode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
