using System.Net;
using System.Text;
using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Inspection.Catalog;
using Sensor.Tests.TestSupport;
using Sensor.Threats;

namespace Sensor.Tests.Threats;

/// <summary>
/// The JSON-RPC messages of a shared capture's MCP flows (extracted by scripts/extract_mcp_fixtures.py with tshark
/// and the capture's key log), replayed as <see cref="McpMessage"/>s in wire order the way the MCP parser hands them
/// over: kind from the JSON-RPC shape, a result's method and tool from its request (matched by id per session).
/// </summary>
internal sealed class McpFixture
{
    private McpFixture(string scenario, List<Row> rows)
    {
        Scenario = scenario;
        Rows = rows;
    }

    public string Scenario { get; }

    public List<Row> Rows { get; }

    public static McpFixture Load(string scenario)
    {
        var path = Path.Combine(SharedInputs.RepositoryRoot, "tests", "Sensor.Tests", "Threats", "Fixtures", scenario + ".ndjson");
        var rows = File.ReadLines(path).Select(line => JsonSerializer.Deserialize<Row>(line, s_options)!).ToList();
        return new McpFixture(scenario, rows);
    }

    /// <summary>The options the golden run uses: Acme's domain (catalog.json corp_domain) and the shipped catalog as the trust predicate.</summary>
    public static McpThreatOptions Options(string? stateDirectory = null)
    {
        var errors = new List<string>();
        var catalog = AiCatalog.Load([SharedInputs.ShippedCatalog], errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        return new McpThreatOptions
        {
            CorporateDomains = ["acmecorp.com"],
            IsCatalogServer = host => catalog.Lookup(host) is { Vendor: not "unknown" },
            StateDirectory = stateDirectory,
        };
    }

    /// <summary>
    /// Feeds every row to the detector (MCP rows) and the mail API observer (plain HTTP rows); with
    /// <paramref name="parsed"/> each message comes with its parsed <see cref="McpMessage.Root"/>, as the MCP parser hands it over.
    /// </summary>
    public void Replay(McpThreatDetector detector, MailApiObserver mailApi, bool parsed = false)
    {
        var requests = new Dictionary<string, (string Method, string? Tool)>(StringComparer.Ordinal);
        foreach (var row in Rows)
        {
            var flow = Flow(row);
            var micros = (long)(row.T * 1_000_000);
            var exchange = new HttpExchange(flow, "HTTP/1.1", 0) { Host = row.Host, Method = row.HttpMethod, Target = row.Target, Status = row.Status, RequestMicros = micros };
            if (row.Kind == "http")
            {
                exchange.RequestBody.Append(Encoding.UTF8.GetBytes(row.Json), int.MaxValue);
                mailApi.OnRequestComplete(exchange);
                continue;
            }

            using var document = JsonDocument.Parse(row.Json);
            var root = document.RootElement;
            var id = root.TryGetProperty("id", out var idElement) ? idElement.GetRawText() : null;
            var scope = (row.SessionId ?? "flow" + row.Stream) + "|" + id;
            string kind;
            string? method = null;
            string? tool = null;
            if (root.TryGetProperty("method", out var methodElement))
            {
                kind = id is null ? "notification" : "request";
                method = methodElement.GetString();
                if (root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var n))
                {
                    tool = n.GetString();
                }

                if (id is not null)
                {
                    requests[scope] = (method!, tool);
                }
            }
            else
            {
                kind = root.TryGetProperty("error", out _) ? "error" : "result";
                if (requests.TryGetValue(scope, out var request))
                {
                    (method, tool) = request;
                }
            }

            detector.OnMessage(new McpMessage
            {
                Flow = flow,
                Direction = row.Direction == "to_server" ? Direction.ToServer : Direction.ToClient,
                Dialect = "streamable-http",
                Kind = kind,
                Method = method,
                Id = id,
                ToolName = tool,
                SessionId = row.SessionId,
                ServerHost = row.Host,
                Authenticated = row.Authenticated,
                Json = Encoding.UTF8.GetBytes(row.Json),
                Root = parsed ? root : null,
                Exchange = exchange,
                TimestampMicros = micros,
            });
        }
    }

    /// <summary>One flow identity per labelled TCP stream; the flow id is the stream index.</summary>
    private readonly Dictionary<int, FlowIdentity> _flows = [];

    private FlowIdentity Flow(Row row)
    {
        if (_flows.TryGetValue(row.Stream, out var known))
        {
            return known;
        }

        // "tcp 127.0.0.1:54384 -> 127.10.10.183:443"
        var parts = row.FiveTuple.Split(' ');
        var (client, clientPort) = Endpoint(parts[1]);
        var (server, serverPort) = Endpoint(parts[3]);
        return _flows[row.Stream] = new FlowIdentity(row.Stream, 6, client, clientPort, server, serverPort, "1:fixture");

        static (IPAddress, ushort) Endpoint(string text)
        {
            var colon = text.LastIndexOf(':');
            return (IPAddress.Parse(text[..colon].Trim('[', ']')), ushort.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static readonly JsonSerializerOptions s_options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    internal sealed record Row(
        int Stream, string FiveTuple, string Host, string HttpMethod, string Target, int? Status, bool Authenticated, string? SessionId,
        string Direction, string Json, double T, string? Kind);
}
