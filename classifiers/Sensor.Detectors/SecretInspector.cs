using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Findings;
using Sensor.Detectors.Rules;

namespace Sensor.Detectors;

/// <summary>
/// The secret, PII and corporate-marker detectors as a payload inspector: scans each decoded item, writes one
/// <c>finding</c> per distinct value (with its count), marks URL/header locations for redaction in the <c>http</c>
/// event, and leaves out a credential sent in a header or URL to its own issuer (the client's auth, not a leak).
/// One instance per worker (single-threaded, like the engine it owns).
/// </summary>
public sealed class SecretInspector : IPayloadInspector, IMatchReceiver
{
    /// <summary>(flow, exchange, location, type, fingerprint) keys remembered for dedupe per worker; ~100 bytes each, so ~1.6 MiB at the cap.</summary>
    public const int MaxRememberedFindings = 16_384;

    public const string ThirdPartyDetector = "third-party-token-in-ai-body";
    public const string ThirdPartyType = "third_party_token_in_ai_body";

    private readonly DetectorEngine _engine;
    private readonly FindingFormatter _formatter;
    private readonly IEventSink _events;
    private readonly AnomalyReporter? _anomalies;
    private readonly HashSet<DedupeKey> _seen = [];
    private readonly ScanMemo _memo = new();
    private readonly List<(string Field, string Value)> _thirdParty = [];

    // The item being scanned (the engine calls back during Scan).
    private FlowIdentity? _flow;
    private Direction _direction;
    private string _location = "";
    private HttpExchange? _exchange;
    private long _timestamp;
    private bool _headerOrUrl;
    private bool _recording;
    private string? _lastContentType;
    private bool _lastContentTypeIsJson;

    public SecretInspector(RulePack pack, FindingFormatter formatter, IEventSink events, AnomalyReporter? anomalies = null)
    {
        _engine = new DetectorEngine(pack);
        _formatter = formatter;
        _events = events;
        _anomalies = anomalies;
    }

    public DetectorEngine Engine => _engine;

    /// <summary>Credentials seen in a header or URL going to their own issuer (not written as findings).</summary>
    public long OwnIssuerCredentials { get; private set; }

    public long FindingsWritten { get; private set; }

    /// <summary>Header values and URLs answered from the scan memo instead of a scan.</summary>
    internal long MemoReplays => _memo.Replays;

    public void Inspect(in PayloadSource source, ReadOnlySpan<byte> data) =>
        Inspect(source.Flow, source.Direction, source.Location, source.Exchange, source.ContentType, source.TimestampMicros, data);

    /// <summary>Scans one item; <paramref name="flow"/> may be null (<c>sensor scan</c> over a file).</summary>
    public void Inspect(FlowIdentity? flow, Direction direction, string location, HttpExchange? exchange, string? contentType, long timestampMicros, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        _flow = flow;
        _direction = direction;
        _location = location;
        _exchange = exchange;
        _timestamp = timestampMicros;
        var json = IsJsonCached(contentType, data);
        _headerOrUrl = PayloadLocation.IsHeaderOrUrl(location);
        bool capped;
        if (_headerOrUrl && data.Length <= ScanMemo.MaxItemBytes)
        {
            // Header values and URLs repeat on every request of a connection: the engine's answer is remembered.
            if (!_memo.TryReplay(data, json, this, out capped))
            {
                _memo.BeginRecord(data, json);
                _recording = true;
                try
                {
                    _engine.Scan(data, json, this);
                }
                finally
                {
                    _recording = false;
                }

                capped = _engine.LastScanCapped;
                _memo.EndRecord(capped);
            }
        }
        else
        {
            _engine.Scan(data, json, this);
            capped = _engine.LastScanCapped;
        }

        if (capped)
        {
            _anomalies?.Report(AnomalyKind.DetectorItemFindingsCap, timestampMicros, flow, DetectorEngine.MaxCandidatesPerItem, location);
        }

        if (json && direction == Direction.ToServer && location == PayloadLocation.RequestBody && ThirdPartyTokens.MayContain(data)
            && (exchange?.AiCall is not null || data.IndexOf("\"model\""u8) >= 0))
        {
            ReportThirdPartyTokens(data);
        }

        _exchange = null;
        _flow = null;
    }

    void IMatchReceiver.OnMatch(DetectorRule rule, ReadOnlySpan<char> value, int count)
    {
        if (_recording)
        {
            _memo.Record(rule, value, count);
        }

        if (_headerOrUrl)
        {
            if (rule.Category == "corporate")
            {
                // Host names and mail headers naming the company are its own traffic, not content leaving it.
                return;
            }

            _exchange?.Redact(_location);
            if (rule.Category == "secret" && rule.IsIssuer(_exchange?.Host))
            {
                OwnIssuerCredentials++;
                return;
            }
        }

        var fingerprint = _formatter.Fingerprint(rule, value);
        if (!FirstTime(rule.Type, fingerprint))
        {
            return;
        }

        Write(new FindingEvent(_timestamp, _flow)
        {
            Detector = rule.Id,
            Category = rule.Category,
            Type = rule.Type,
            Severity = rule.Severity,
            Direction = DirectionName(_direction),
            Location = _location,
            Redacted = FindingFormatter.Redact(rule, value),
            Fingerprint = fingerprint,
            Count = count,
        });
    }

    private void ReportThirdPartyTokens(ReadOnlySpan<byte> body)
    {
        _thirdParty.Clear();
        ThirdPartyTokens.Find(body, _thirdParty);
        foreach (var (field, value) in _thirdParty)
        {
            var fingerprint = _formatter.Fingerprint(null, value);
            if (!FirstTime(ThirdPartyType + ":" + field, fingerprint))
            {
                continue;
            }

            var known = _engine.Pack.Rules.FirstOrDefault(r => r.Category == "secret" && r.Prefix.Length >= 3 && value.StartsWith(r.Prefix, StringComparison.Ordinal));
            Write(new FindingEvent(_timestamp, _flow)
            {
                Detector = ThirdPartyDetector,
                Category = "secret",
                Type = ThirdPartyType,
                Severity = "high",
                Direction = DirectionName(_direction),
                Location = _location,
                Field = field,
                Redacted = known is null ? FindingFormatter.RedactLength(value.Length) : FindingFormatter.Redact(known, value),
                Fingerprint = fingerprint,
            });
        }

        _thirdParty.Clear();
    }

    private bool FirstTime(string type, string fingerprint)
    {
        if (_seen.Count >= MaxRememberedFindings)
        {
            _seen.Clear();
            _anomalies?.Report(AnomalyKind.DetectorDedupeReset, _timestamp, _flow, MaxRememberedFindings);
        }

        return _seen.Add(new DedupeKey(_flow?.FlowId ?? 0, _exchange?.Index ?? -1, _exchange?.StreamId ?? 0, _location, type, fingerprint));
    }

    private void Write(FindingEvent finding)
    {
        FindingsWritten++;
        _events.Write(finding);
    }

    private static string DirectionName(Direction direction) => direction == Direction.ToServer ? "to_server" : "to_client";

    /// <summary>
    /// <see cref="IsJson"/> with the media-type test remembered for the last content-type string: every header, URL and
    /// body of an exchange is inspected with the same string, and strings are immutable, so the same reference gives the same answer.
    /// </summary>
    private bool IsJsonCached(string? contentType, ReadOnlySpan<byte> data)
    {
        if (contentType is not null)
        {
            if (!ReferenceEquals(contentType, _lastContentType))
            {
                _lastContentType = contentType;
                _lastContentTypeIsJson = contentType.Contains("json", StringComparison.OrdinalIgnoreCase);
            }

            if (_lastContentTypeIsJson)
            {
                return true;
            }
        }

        return IsJson(null, data);
    }

    /// <summary>JSON by media type (<c>application/json</c>, <c>+json</c>, NDJSON) or by its first non-blank byte.</summary>
    public static bool IsJson(string? contentType, ReadOnlySpan<byte> data)
    {
        if (contentType is not null && contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var first = data.IndexOfAnyExcept(" \t\r\n"u8);
        return first >= 0 && data[first] is (byte)'{' or (byte)'[';
    }

    private readonly record struct DedupeKey(long Flow, int Exchange, int Stream, string Location, string Type, string Fingerprint);
}
