namespace Sensor.Core.Events;

/// <summary>EVE's <c>proto</c> strings for IANA protocol numbers (Suricata writes these names).</summary>
public static class ProtocolNames
{
    private static readonly string[] s_names = Build();

    public static string Name(byte protocol) => s_names[protocol];

    private static string[] Build()
    {
        var names = new string[256];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        names[1] = "ICMP";
        names[2] = "IGMP";
        names[6] = "TCP";
        names[17] = "UDP";
        names[46] = "RSVP";
        names[47] = "GRE";
        names[50] = "ESP";
        names[58] = "IPv6-ICMP";
        names[132] = "SCTP";
        return names;
    }
}
