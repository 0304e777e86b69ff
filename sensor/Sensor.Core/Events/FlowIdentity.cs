using System.Net;

namespace Sensor.Core.Events;

/// <summary>
/// The envelope fields every event of one flow shares: id, 5-tuple with the client as <c>src</c>,
/// Community ID and the application protocol once known. Built once per flow, when its first event is written.
/// </summary>
public sealed class FlowIdentity
{
    private string? _sourceText;
    private string? _destinationText;

    public FlowIdentity(long flowId, byte protocol, IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort, string communityId)
    {
        FlowId = flowId;
        Protocol = protocol;
        Source = source;
        SourcePort = sourcePort;
        Destination = destination;
        DestinationPort = destinationPort;
        CommunityId = communityId;
    }

    public long FlowId { get; }

    /// <summary>IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6...).</summary>
    public byte Protocol { get; }

    public IPAddress Source { get; }

    public ushort SourcePort { get; }

    public IPAddress Destination { get; }

    public ushort DestinationPort { get; }

    public string CommunityId { get; }

    /// <summary><c>app_proto</c>: set by the first parser that recognises the flow.</summary>
    public string? AppProto { get; set; }

    /// <summary>
    /// Set by the application layer when it needs no more of this flow's bytes (Suricata's TLS
    /// <c>encryption-handling: bypass</c>): the flow then stops handing them on, its consumer gets no further calls
    /// (not even the end), and reassembly goes on counting for the <c>flow</c> event.
    /// </summary>
    public bool AppLayerDone { get; set; }

    /// <summary>Whether the protocol has ports (TCP, UDP, SCTP) so <c>src_port</c>/<c>dest_port</c> are written.</summary>
    public bool HasPorts => Protocol is 6 or 17 or 132;

    public string ProtocolName => ProtocolNames.Name(Protocol);

    /// <summary>Text forms of the addresses, made once per flow: a flow's events all repeat them.</summary>
    public string SourceText => _sourceText ??= Source.ToString();

    public string DestinationText => _destinationText ??= Destination.ToString();

    /// <summary>
    /// The event sink's per-flow cache (the EVE sink keeps the flow's envelope fields there, encoded once): every
    /// event of a flow repeats them. Opaque to everything else; a sink must check it is its own type.
    /// </summary>
    public object? SinkCache { get; set; }
}
