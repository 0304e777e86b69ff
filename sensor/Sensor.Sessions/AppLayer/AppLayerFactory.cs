using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Sessions.Dns;
using Sensor.Sessions.Tls;

namespace Sensor.Sessions.AppLayer;

/// <summary>
/// Gives each flow its application-layer consumer: TCP flows a probing consumer that picks the session
/// type from the first client bytes; flows on port 53 a DNS session (UDP, or TCP with length prefixes), other UDP flows a probe for QUIC.
/// </summary>
public sealed class AppLayerFactory : IStreamConsumerFactory
{
    private const ushort DnsPort = 53;

    private readonly StreamContext _context;
    private readonly CertificateCache _certificates = new();
    private readonly TlsDecryption? _decryption;

    /// <param name="decryption">Key logs for passive TLS decryption; null: TLS flows are reported from metadata only.</param>
    public AppLayerFactory(StreamContext context, DnsNameCache? names = null, TlsDecryption? decryption = null)
    {
        _context = context;
        Names = names ?? new DnsNameCache();
        _decryption = decryption;
    }

    /// <summary>Names from DNS answers, by address (shared by all flows of this worker and its inspection stage).</summary>
    public DnsNameCache Names { get; }

    /// <summary>False: cleartext HTTP is not parsed (metadata only: TLS/QUIC/DNS and tunnels, no payload sessions).</summary>
    public bool ParsePayloads { get; init; } = true;

    public IStreamConsumer? CreateConsumer(FlowIdentity flow) =>
        flow.DestinationPort == DnsPort ? new DnsTcpSession(flow, _context, Names) : new ProbingConsumer(flow, _context, _certificates, _decryption) { ParsePayloads = ParsePayloads };

    public IDatagramConsumer? CreateDatagramConsumer(FlowIdentity flow) =>
        flow.DestinationPort == DnsPort || flow.SourcePort == DnsPort
            ? new DnsSession(flow, _context, Names)
            : new ProbingDatagramConsumer(flow, _context);
}
