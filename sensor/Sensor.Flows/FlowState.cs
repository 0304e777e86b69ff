namespace Sensor.Flows;

/// <summary>Suricata's <c>flow.state</c> values.</summary>
public enum FlowState : byte
{
    /// <summary>Only one side seen so far (a SYN, a lone UDP datagram).</summary>
    New,
    /// <summary>Both sides spoke (TCP handshake done or data both ways).</summary>
    Established,
    /// <summary>TCP: FIN from both sides, or an RST.</summary>
    Closed,
}
