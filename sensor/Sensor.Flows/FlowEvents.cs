using System.Text;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Decode;

namespace Sensor.Flows;

/// <summary>Builds the <c>flow</c> event of an ended flow.</summary>
internal static class FlowEvents
{
    public static FlowEvent Create(Flow flow, EndReason reason, long endMicros) => new(endMicros, flow.Identity)
    {
        PacketsToServer = flow.PacketsToServer,
        PacketsToClient = flow.PacketsToClient,
        BytesToServer = flow.BytesToServer,
        BytesToClient = flow.BytesToClient,
        PayloadBytesToServer = flow.PayloadToServer,
        PayloadBytesToClient = flow.PayloadToClient,
        StartMicros = flow.StartMicros,
        EndMicros = endMicros,
        State = flow.State switch
        {
            FlowState.New => "new",
            FlowState.Established => "established",
            _ => "closed",
        },
        // Suricata's flow.reason values.
        Reason = reason switch
        {
            EndReason.EndOfInput => "shutdown",
            EndReason.Evicted => "forced",
            _ => "timeout",
        },
        Midstream = flow.Midstream,
        GapBytesToServer = flow.ToServer?.GapBytes ?? 0,
        GapBytesToClient = flow.ToClient?.GapBytes ?? 0,
        TcpFlags = flow.Protocol == IpProtocol.Tcp ? FlagLetters(flow.FlagsSeen) : null,
    };

    /// <summary>Suricata's tcp_flags letters for every combination of the eight flags: one string each, made once.</summary>
    private static readonly string[] s_flagLetters = [.. Enumerable.Range(0, 256).Select(flags => Letters((TcpFlags)flags))];

    private static string FlagLetters(TcpFlags flags) => s_flagLetters[(byte)flags];

    private static string Letters(TcpFlags flags)
    {
        var text = new StringBuilder(8);
        Append(text, flags, TcpFlags.Syn, 'S');
        Append(text, flags, TcpFlags.Fin, 'F');
        Append(text, flags, TcpFlags.Rst, 'R');
        Append(text, flags, TcpFlags.Psh, 'P');
        Append(text, flags, TcpFlags.Ack, 'A');
        Append(text, flags, TcpFlags.Urg, 'U');
        Append(text, flags, TcpFlags.Ece, 'E');
        Append(text, flags, TcpFlags.Cwr, 'C');
        return text.ToString();
    }

    private static void Append(StringBuilder text, TcpFlags flags, TcpFlags flag, char letter)
    {
        if ((flags & flag) != 0)
        {
            text.Append(letter);
        }
    }
}
