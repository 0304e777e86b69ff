using System.Buffers.Binary;
using Sensor.Core.Diagnostics;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Security;
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
    /// <summary>(flow, exchange, location, type, fingerprint MAC) keys remembered for dedupe per worker; ~80 bytes each (a 64-byte key, its hash, the set's links), so ~1.3 MiB at the cap.</summary>
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
            // Header values and URLs repeat on every request of a connection: the engine's answer is remembered for it.
            if (!_memo.TryReplay(flow?.FlowId ?? 0, data, json, this, out capped))
            {
                _memo.BeginRecord(flow?.FlowId ?? 0, data, json);
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

        // Dedupe on the MAC itself: its text (and the event) is made only for a value not yet reported here.
        Span<byte> mac = stackalloc byte[SecretRedaction.FingerprintMacBytes];
        _formatter.FingerprintMac(rule, value, mac);
        if (!FirstTime(rule.Type, mac))
        {
            return;
        }

        var fingerprint = FindingFormatter.FingerprintText(mac);
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
        Span<byte> mac = stackalloc byte[SecretRedaction.FingerprintMacBytes];
        foreach (var (field, value) in _thirdParty)
        {
            _formatter.FingerprintMac(null, value, mac);
            if (!FirstTime(ThirdPartyType + ":" + field, mac))
            {
                continue;
            }

            var fingerprint = FindingFormatter.FingerprintText(mac);
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

    private bool FirstTime(string type, ReadOnlySpan<byte> mac)
    {
        if (_seen.Count >= MaxRememberedFindings)
        {
            _seen.Clear();
            _anomalies?.Report(AnomalyKind.DetectorDedupeReset, _timestamp, _flow, MaxRememberedFindings);
        }

        return _seen.Add(new DedupeKey(_flow?.FlowId ?? 0, _exchange?.Index ?? -1, _exchange?.StreamId ?? 0, _location, type, new MacKey(mac)));
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

    /// <summary>
    /// What makes a finding distinct. The MAC stands for the fingerprint text (hex of it, one to one); it is uniformly
    /// distributed, so its first word hashes the key without reading the location and type strings (compared on a hit).
    /// </summary>
    private readonly struct DedupeKey(long flow, int exchange, int stream, string location, string type, MacKey mac) : IEquatable<DedupeKey>
    {
        private readonly long _flow = flow;
        private readonly int _exchange = exchange;
        private readonly int _stream = stream;
        private readonly string _location = location;
        private readonly string _type = type;
        private readonly MacKey _mac = mac;

        public bool Equals(DedupeKey other) =>
            _mac.Equals(other._mac) && _flow == other._flow && _exchange == other._exchange && _stream == other._stream
            && string.Equals(_location, other._location, StringComparison.Ordinal) && string.Equals(_type, other._type, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is DedupeKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_mac.GetHashCode(), _flow, _exchange, _stream);
    }

    /// <summary>A fingerprint's 32-byte MAC as four words.</summary>
    private readonly struct MacKey : IEquatable<MacKey>
    {
        private readonly ulong _a;
        private readonly ulong _b;
        private readonly ulong _c;
        private readonly ulong _d;

        public MacKey(ReadOnlySpan<byte> mac)
        {
            _a = BinaryPrimitives.ReadUInt64LittleEndian(mac);
            _b = BinaryPrimitives.ReadUInt64LittleEndian(mac[8..]);
            _c = BinaryPrimitives.ReadUInt64LittleEndian(mac[16..]);
            _d = BinaryPrimitives.ReadUInt64LittleEndian(mac[24..]);
        }

        public bool Equals(MacKey other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

        public override bool Equals(object? obj) => obj is MacKey other && Equals(other);

        public override int GetHashCode() => _a.GetHashCode();
    }
}
