namespace Sensor.Sessions.Tls;

/// <summary>
/// Parsed leaf certificates by their DER bytes. Many flows go to the same few servers, and X.509 parsing is the
/// most expensive step of a TLS 1.2 handshake; a repeat costs a hash and a compare instead. Bounded: cleared when full.
/// </summary>
internal sealed class CertificateCache
{
    /// <summary>Distinct server certificates remembered; a busy office sees a few hundred.</summary>
    public const int Capacity = 1024;

    private readonly Dictionary<byte[], (TlsCertificateSummary? Summary, bool Malformed)> _entries = new(ByteArrayComparer.Instance);

    public TlsCertificateSummary? Read(ReadOnlySpan<byte> body, out bool malformed)
    {
        var key = body.ToArray();
        if (_entries.TryGetValue(key, out var cached))
        {
            malformed = cached.Malformed;
            return cached.Summary;
        }

        var summary = TlsCertificateSummary.Read(body, out malformed);
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = (summary, malformed);
        return summary;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
