using System.Reflection;
using Sensor.Host.Commands;

namespace Sensor.Host;

/// <summary>The <c>sensor</c> command.</summary>
internal static class Program
{
    private const string Help = """
        sensor: network-layer DLP sensor for AI and MCP traffic

        usage:
          sensor analyze PATH... [-o FILE] [--keylog FILE] [--config FILE]   analyse pcap/pcapng files (.gz too) or directories
                 [--features FILE [--labels FILE]]                    also write one tenant feature row per AI session
          sensor capture -i IFACE [-f BPF] [-o FILE] [--snaplen N] [-c COUNT] [--duration SECONDS] [--config FILE]
                                                                      capture live through libpcap until Ctrl-C/SIGTERM,
                                                                      COUNT packets or SECONDS seconds
          sensor train --data FILE --out MODEL [--holdout FRACTION]       train the tenant model on labelled feature rows
          sensor eval --model MODEL --data FILE [--report FILE.html]      precision, recall, F1, AUC, confusion matrix, PR curve

          sensor scan FILE|- [-o FILE] [--config FILE]                        run the secret/PII detectors over a text, JSON or
                                                                      raw HTTP message; exit 1 when something was found
          sensor --version

        Events go to FILE or standard output as EVE-style NDJSON; the summary goes to standard error.
        """;

    public static int Main(string[] args)
    {
        var error = Console.Error;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? error : Console.Out).Write(Help);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        switch (args[0])
        {
            case "analyze":
            case "analyse":
                return AnalyzeCommand.Run(rest, error);
            case "capture":
                return CaptureCommand.Run(rest, error);
            case "train":
                return TrainCommand.Run(rest, Console.Out, error);
            case "eval":
                return EvalCommand.Run(rest, Console.Out, error);

            case "scan":
                return ScanCommand.Run(rest, error);
            case "--version":
            case "version":
                Console.Out.WriteLine("sensor " + (typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev"));
                return 0;
            default:
                error.WriteLine($"sensor: unknown command '{args[0]}'");
                error.Write(Help);
                return 2;
        }
    }
}
