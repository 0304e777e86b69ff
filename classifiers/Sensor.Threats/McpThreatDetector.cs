using System.Text.RegularExpressions;
using System.Text.Json;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Json;
using Sensor.Core.Payloads;
using Sensor.Core.Security;
using Sensor.Core.Streams;

namespace Sensor.Threats;

/// <summary>
/// The MCP threat detectors of one worker, fed every MCP message in wire order: tool poisoning and rug pulls in
/// <c>tools/list</c> answers; hidden-copy recipients, credentials and post-injection chains in <c>tools/call</c>
/// requests; indirect prompt injection in <c>tools/call</c>/<c>resources/read</c> results; untrusted and
/// unauthenticated servers. Writes <c>finding</c> events (category <c>mcp_threat</c>); never a secret's value.
/// </summary>
public sealed partial class McpThreatDetector : IMcpObserver
{
    public const string DetectorId = "mcp_threats";

    /// <summary>Characters of hidden text or a command shown: enough to read the instruction's intent, not a dump.</summary>
    public const int MaxExcerptChars = 120;

    /// <summary>Flows remembered for once-per-flow findings (untrusted, unauthenticated); beyond it the set restarts (anomaly).</summary>
    public const int MaxTrackedFlows = 65_536;

    /// <summary>Findings of one kind per message: a list of 500 poisoned tools is reported, but bounded.</summary>
    public const int MaxFindingsPerMessage = 64;

    /// <summary>
    /// Tool definitions whose verdict (hash, poisoning rules) one worker remembers: a large deployment's MCP servers
    /// times their tools, the same room as <see cref="ToolHashStore.MaxEntries"/>.
    /// </summary>
    public const int MaxCachedToolVerdicts = ToolHashStore.MaxEntries;

    /// <summary>Server host names whose trust one worker remembers: far above the MCP servers of a deployment.</summary>
    public const int MaxCachedHosts = 4096;

    private static readonly JsonDocumentOptions s_json = new() { MaxDepth = JsonStrings.MaxDepth };

    private readonly IEventSink _events;
    private readonly AnomalyReporter _anomalies;
    private readonly McpThreatState _state;
    private readonly HashSet<long> _untrustedFlows = [];
    private readonly HashSet<(long Flow, string Method)> _unauthenticated = [];
    private readonly List<string> _rules = [];
    private readonly List<HiddenMatch> _hidden = [];
    private readonly List<CredentialHit> _credentials = [];
    private readonly List<string> _addresses = [];
    private readonly Dictionary<RawJsonKey, ToolVerdict> _verdicts = [];
    private readonly Dictionary<string, bool> _trusted = new(StringComparer.Ordinal);
    private readonly CredentialVisitor _credentialVisitor;
    private readonly HiddenVisitor _hiddenVisitor;

    public McpThreatDetector(StreamContext context, McpThreatState state)
    {
        _events = context.Events;
        _anomalies = context.Anomalies;
        _state = state;
        _credentialVisitor = new CredentialVisitor(_credentials);
        _hiddenVisitor = new HiddenVisitor(_hidden);
    }

    public void OnMessage(McpMessage message)
    {
        if (message.ServerHost is { } host && !IsTrustedServer(host))
        {
            ReportUntrusted(message, host);
        }

        if (!ReadsDocument(message.Kind, message.Method))
        {
            return;
        }

        if (message.Root is { } parsed)
        {
            CheckReadable(message, parsed);
            return;
        }

        // Messages that come without a parsed document (other producers, tests) are parsed here.
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message.Json, s_json);
        }
        catch (JsonException)
        {
            _anomalies.Report(AnomalyKind.McpThreatUnreadableMessage, message.TimestampMicros, message.Flow);
            return;
        }

        using (document)
        {
            CheckReadable(message, document.RootElement);
        }
    }

    /// <summary>
    /// <see cref="Check"/>, with a string that is not UTF-8 counted as an unreadable message: the JSON reader checks
    /// structure only and leaves a string's UTF-8 to be found when it is read, and a hostile server's bad bytes must cost
    /// that message, not quarantine the whole connection.
    /// </summary>
    private void CheckReadable(McpMessage message, JsonElement root)
    {
        try
        {
            Check(message, root);
        }
        catch (InvalidOperationException)
        {
            _anomalies.Report(AnomalyKind.McpThreatUnreadableMessage, message.TimestampMicros, message.Flow);
        }
    }

    /// <summary>What <see cref="Check"/> reads: the results of these three methods and tools/call requests (the MCP parser
    /// builds no document for anything else on this detector's account).</summary>
    public bool ReadsDocument(string kind, string? method) =>
        kind == "result" ? method is "tools/list" or "tools/call" or "resources/read" : kind == "request" && method == "tools/call";

    private void Check(McpMessage message, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (message.Kind == "result")
        {
            CheckAuthentication(message);
            if (root.TryGetProperty("result"u8, out var result) && result.ValueKind == JsonValueKind.Object)
            {
                if (message.Method == "tools/list")
                {
                    CheckToolList(message, result);
                }
                else
                {
                    CheckToolResult(message, result);
                }
            }
        }
        else if (message.Method == "tools/call" && root.TryGetProperty("params"u8, out var parameters) && parameters.ValueKind == JsonValueKind.Object)
        {
            CheckToolCall(message, parameters);
        }
    }

    /// <summary><see cref="McpThreatState.IsTrustedServer"/>, asked once per host name: its answer depends on the name alone.</summary>
    private bool IsTrustedServer(string host)
    {
        if (_trusted.TryGetValue(host, out var trusted))
        {
            return trusted;
        }

        if (_trusted.Count >= MaxCachedHosts)
        {
            // A memo: starting over only costs the lookups again.
            _trusted.Clear();
        }

        trusted = _state.IsTrustedServer(host);
        _trusted[host] = trusted;
        return trusted;
    }

    private void ReportUntrusted(McpMessage message, string host)
    {
        if (!Track(_untrustedFlows, message.Flow.FlowId, message))
        {
            return;
        }

        Report(message, ThreatTypes.UntrustedServer, "medium", "mcp:server", new ThreatDetails { Value = host, Evidence = "not in the catalog, the allowlist or a corporate domain", SessionId = message.SessionId });
    }

    /// <summary>A tools/list or tools/call answered with success to a request that carried no Authorization header.</summary>
    private void CheckAuthentication(McpMessage message)
    {
        if (message.Authenticated || message.Method is not ("tools/list" or "tools/call") || message.Exchange?.Status is < 200 or > 299)
        {
            return;
        }

        if (!Track(_unauthenticated, (message.Flow.FlowId, message.Method), message))
        {
            return;
        }

        Report(message, ThreatTypes.UnauthenticatedServer, "medium", "mcp:" + message.Method + ".result", new ThreatDetails
        {
            Value = message.ServerHost,
            Methods = [message.Method],
            Evidence = "answered without an Authorization header on the request",
            SessionId = message.SessionId,
        });
    }

    private bool Track<T>(HashSet<T> set, T key, McpMessage message)
    {
        if (set.Contains(key))
        {
            return false;
        }

        if (set.Count >= MaxTrackedFlows)
        {
            // Restarting the set can repeat a once-per-flow finding for a long-lived flow; never grows without bound.
            set.Clear();
            _anomalies.Report(AnomalyKind.McpThreatStateCap, message.TimestampMicros, message.Flow);
        }

        set.Add(key);
        return true;
    }

    private void Report(McpMessage message, string type, string severity, string location, ThreatDetails details, string? redacted = null, string? fingerprint = null) =>
        _events.Write(new FindingEvent(message.TimestampMicros, message.Flow)
        {
            Detector = DetectorId,
            Category = ThreatTypes.Category,
            Type = type,
            Severity = severity,
            Direction = message.Direction == Direction.ToServer ? "to_server" : "to_client",
            Location = location,
            Redacted = redacted,
            Fingerprint = fingerprint,
            Host = message.ServerHost,
            Threat = details,
        });

    /// <summary>A bounded, credential-masked excerpt of text taken from a message.</summary>
    internal static string Excerpt(string text)
    {
        var masked = CredentialSniffer.Mask(text);
        if (masked.Contains('@'))
        {
            // Every address has an '@': most excerpts have none and skip the regex.
            masked = EmailAddress().Replace(masked, m => SecretRedaction.Address(m.Value));
        }

        return masked.Length <= MaxExcerptChars ? masked : masked[..MaxExcerptChars] + "…";
    }

    /// <summary>Addresses inside excerpts are shown as <see cref="SecretRedaction.Address"/> does.</summary>
    [GeneratedRegex(@"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();

    private string Fingerprint(string value) => SecretRedaction.Fingerprint(_state.FingerprintKey, value);
}
