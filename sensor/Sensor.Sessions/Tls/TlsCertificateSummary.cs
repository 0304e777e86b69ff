using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sensor.Sessions.Tls;

/// <summary>The server's leaf certificate from a TLS 1.2 Certificate message (TLS 1.3 sends it encrypted).</summary>
internal sealed record TlsCertificateSummary(string Subject, string Issuer, IReadOnlyList<string> DnsNames)
{
    // struct { opaque cert_data<1..2^24-1>; } ...; Certificate: uint24 certificate_list length, then entries (RFC 5246 §7.4.2)
    public static TlsCertificateSummary? Read(ReadOnlySpan<byte> body, out bool malformed)
    {
        malformed = false;
        if (body.Length < 6)
        {
            malformed = body.Length != 3; // an empty list (3 bytes of zero length) is legal
            return null;
        }

        var first = (body[3] << 16) | (body[4] << 8) | body[5];
        if (first == 0 || 6 + first > body.Length)
        {
            malformed = true;
            return null;
        }

        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(body.Slice(6, first));
            var names = new List<string>();
            foreach (var extension in certificate.Extensions)
            {
                if (extension is X509SubjectAlternativeNameExtension san)
                {
                    names.AddRange(san.EnumerateDnsNames().Take(64));
                }
            }

            return new TlsCertificateSummary(certificate.Subject, certificate.Issuer, names);
        }
        catch (CryptographicException)
        {
            malformed = true;
            return null;
        }
    }

    /// <summary>RFC 9525 matching of the SNI against the SAN DNS names only (no CN fallback; a wildcard covers one left-most label).</summary>
    public bool Matches(string serverName)
    {
        foreach (var name in DnsNames)
        {
            if (string.Equals(name, serverName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (name.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = serverName.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && string.Equals(name[1..], serverName[dot..], StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
