using Sensor.Core.Security;
using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;

namespace Sensor.Threats;

/// <summary>
/// The postmark-mcp pattern on the HTTP path (reference.md §7): a mail API request whose JSON body carries a hidden
/// copy (<c>Bcc</c>) to an address outside the company. A stdio MCP server has no MCP traffic on the wire; its own
/// call to the mail API is what the sensor sees. Hosts are the transactional mail APIs with JSON send endpoints.
/// </summary>
public sealed class MailApiObserver : IHttpObserver
{
    /// <summary>Mail APIs whose send bodies are JSON with recipient fields (Postmark, SendGrid, Resend, Brevo, Mailjet, SparkPost, Mandrill).</summary>
    private static readonly HashSet<string> s_mailApiHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        "api.postmarkapp.com", "api.sendgrid.com", "api.resend.com", "api.brevo.com", "api.sendinblue.com", "api.mailjet.com",
        "api.sparkpost.com", "mandrillapp.com",
    };

    private readonly IEventSink _events;
    private readonly McpThreatState _state;

    public MailApiObserver(StreamContext context, McpThreatState state)
    {
        _events = context.Events;
        _state = state;
    }

    public static bool IsMailApiHost(string? host) => host is not null && s_mailApiHosts.Contains(host.TrimEnd('.'));

    public void OnRequestComplete(HttpExchange exchange)
    {
        if (!IsMailApiHost(exchange.Host) || exchange.RequestBody.Length == 0)
        {
            return;
        }

        foreach (var (field, address) in ExternalHiddenCopies(exchange.RequestBody.Content.Span, _state.Corporate))
        {
            _events.Write(new FindingEvent(exchange.RequestMicros, exchange.Flow)
            {
                Detector = McpThreatDetector.DetectorId,
                Category = ThreatTypes.Category,
                Type = ThreatTypes.BccToExternalAddress,
                Severity = "high",
                Direction = "to_server",
                Location = PayloadLocation.RequestBody,
                Host = exchange.Host,
                Threat = new ThreatDetails { Via = "mail-api:" + exchange.Host, Argument = field, Value = SecretRedaction.Address(address) },
            });
        }
    }

    /// <summary>
    /// The hidden-copy recipients outside the company in a mail API JSON body: top-level <c>Bcc</c>/<c>bcc</c>
    /// (Postmark, Resend, Brevo, Mandrill's <c>message.bcc_address</c>), SendGrid's <c>personalizations[].bcc</c>,
    /// Mailjet's <c>Messages[].Bcc</c>. Not JSON, or no such field: nothing. Callable by any HTTP-path code.
    /// </summary>
    public static List<(string Field, string Address)> ExternalHiddenCopies(ReadOnlySpan<byte> body, CorporateDomains corporate)
    {
        var found = new List<(string, string)>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = JsonStrings.MaxDepth });
        JsonDocument document;
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out var parsed) || parsed is null)
            {
                return found;
            }

            document = parsed;
        }
        catch (JsonException)
        {
            return found;
        }

        using (document)
        {
            Collect(document.RootElement, corporate, found, 0);
        }

        return found;
    }

    /// <summary>Levels searched for a bcc field: SendGrid and Mailjet put it one array-of-objects down (2), Mandrill under message (1).</summary>
    private const int MaxSearchDepth = 3;

    private static void Collect(JsonElement element, CorporateDomains corporate, List<(string, string)> found, int depth)
    {
        if (depth > MaxSearchDepth || found.Count >= EmailAddresses.MaxAddresses)
        {
            return;
        }

        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, corporate, found, depth + 1);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var addresses = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals("bcc", StringComparison.OrdinalIgnoreCase) || property.Name.Equals("bcc_address", StringComparison.OrdinalIgnoreCase))
            {
                addresses.Clear();
                EmailAddresses.Collect(property.Value, addresses);
                found.AddRange(addresses.Where(corporate.IsExternalAddress).Select(a => (property.Name, a)));
            }
            else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                Collect(property.Value, corporate, found, depth + 1);
            }
        }
    }
}
