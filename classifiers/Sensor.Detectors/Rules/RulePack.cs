using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sensor.Detectors.Engine;

namespace Sensor.Detectors.Rules;

/// <summary>
/// The loaded rules (shipped file, extra files, corporate markers from config) and the prefilter built from their
/// keywords. Immutable once built, so one pack serves every worker (Regex instances are thread-safe).
/// </summary>
public sealed class RulePack
{
    /// <summary>Code scanners the engine implements (payment cards, SSNs, IBANs, the AWS key pair).</summary>
    public static readonly IReadOnlySet<string> Scanners = new HashSet<string>(StringComparer.Ordinal) { "payment_card", "us_ssn", "iban", "aws_pair" };

    private static readonly HashSet<string> s_categories = new(StringComparer.Ordinal) { "secret", "pii", "corporate" };

    /// <summary>
    /// Keywords per vectorised search. .NET 10's SearchValues&lt;string&gt; uses Teddy (SIMD) up to at least 80 values and
    /// Aho-Corasick at 87 (measured: ~50x slower on prose), so larger sets are split into groups of at most this many.
    /// </summary>
    public const int MaxAnchorsPerSearch = 80;

    private readonly int[][] _rulesByTrigger;

    private RulePack(List<DetectorRule> rules)
    {
        Rules = rules;
        var triggers = new Dictionary<char, List<int>>();
        var groups = new List<AnchorGroup>();
        foreach (var caseSensitive in new[] { true, false })
        {
            var comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            var current = new Dictionary<string, List<int>>(StringComparer.FromComparison(comparison));
            foreach (var rule in rules.Where(r => r.HasPattern && r.KeywordsCaseSensitive == caseSensitive))
            {
                var keywords = rule.Keywords.Where(k => k.Length > 1).ToList();
                if (current.Count + keywords.Count(k => !current.ContainsKey(k)) > MaxAnchorsPerSearch && current.Count > 0)
                {
                    // All keywords of a rule stay in one group, so one pass sees a rule's anchors in text order.
                    groups.Add(new AnchorGroup(current, comparison));
                    current = new Dictionary<string, List<int>>(StringComparer.FromComparison(comparison));
                }

                foreach (var keyword in rule.Keywords)
                {
                    if (keyword.Length == 1)
                    {
                        // One-character anchors ('@') join the digit pass: a one-character needle would slow the string search.
                        (triggers.TryGetValue(keyword[0], out var list) ? list : triggers[keyword[0]] = []).Add(rule.Index);
                    }
                    else
                    {
                        (current.TryGetValue(keyword, out var list) ? list : current[keyword] = []).Add(rule.Index);
                    }
                }
            }

            if (current.Count > 0)
            {
                groups.Add(new AnchorGroup(current, comparison));
            }
        }

        AnchorGroups = [.. groups];
        AnchorCount = AnchorGroups.Sum(g => g.Count);
        var anchors = new List<(Anchor Anchor, int Group, int Ordinal)>();
        for (var g = 0; g < AnchorGroups.Length; g++)
        {
            anchors.AddRange(AnchorGroups[g].Anchors.Select((a, o) => (a, g, o)));
        }

        Anchors = [.. anchors];
        Filter = new AnchorFilter([.. anchors.Select((a, id) => (a.Anchor.Text, AnchorGroups[a.Group].Comparison, id))]);
        _rulesByTrigger = new int[128][];
        foreach (var (c, list) in triggers)
        {
            if (c < 128 && !char.IsAsciiDigit(c))
            {
                _rulesByTrigger[c] = [.. list.Distinct()];
            }
        }

        var triggerChars = new string([.. triggers.Keys.Where(c => c < 128 && !char.IsAsciiDigit(c))]);
        Triggers = SearchValues.Create("0123456789" + triggerChars);
        TriggerBytes = [.. triggerChars.Select(c => (byte)c)];
        TriggerBytesSearch = SearchValues.Create([.. "0123456789"u8, .. TriggerBytes]);
        TriggersAreSeparators = triggerChars.Any(c => c == '\0' || char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or ' ');
        PaymentCard = rules.FirstOrDefault(r => r.Scanner == "payment_card");
        UsSsn = rules.FirstOrDefault(r => r.Scanner == "us_ssn");
        Iban = rules.FirstOrDefault(r => r.Scanner == "iban");
        AwsPair = rules.FirstOrDefault(r => r.Scanner == "aws_pair");
        AwsAccessKeyId = rules.FirstOrDefault(r => r.Type == "aws_access_key_id" && r.HasPattern);
    }

    public IReadOnlyList<DetectorRule> Rules { get; }

    public int AnchorCount { get; }

    /// <summary>Every multi-character keyword, matched case-insensitively, in as few vectorised searches as possible: the prefilter that runs before any regex.</summary>
    public AnchorGroup[] AnchorGroups { get; }

    /// <summary>Digits (for the card/SSN/IBAN scanner) and one-character anchors such as <c>@</c>.</summary>
    public SearchValues<char> Triggers { get; }

    /// <summary>Every keyword of <see cref="AnchorGroups"/> in group order (the filter's hit ids index this).</summary>
    internal (Anchor Anchor, int Group, int Ordinal)[] Anchors { get; }

    /// <summary>The one-pass byte-level search for all keywords: the prefilter the engine runs before any regex.</summary>
    internal AnchorFilter Filter { get; }

    /// <summary>One-character anchors (ASCII, not digits) as bytes.</summary>
    internal byte[] TriggerBytes { get; }

    /// <summary><see cref="Triggers"/> as bytes.</summary>
    internal SearchValues<byte> TriggerBytesSearch { get; }

    /// <summary>
    /// A one-character anchor that the digit scanner may step over (a letter, digit, <c>_ . -</c> or space): the engine then
    /// keeps the sequential digit-and-trigger pass so such an anchor is seen exactly when the old pass saw it.
    /// </summary>
    internal bool TriggersAreSeparators { get; }

    public DetectorRule? PaymentCard { get; }

    public DetectorRule? UsSsn { get; }

    public DetectorRule? Iban { get; }

    public DetectorRule? AwsPair { get; }

    public DetectorRule? AwsAccessKeyId { get; }

    /// <summary>The shipped pack's location next to the binary (copied there at build time).</summary>
    public static string ShippedPath => Path.Combine(AppContext.BaseDirectory, "rules", "secrets.json");

    /// <summary>Rules whose one-character anchor is <paramref name="c"/>.</summary>
    internal int[]? RulesForTrigger(char c) => c < 128 ? _rulesByTrigger[c] : null;


    /// <summary>Loads rule files in order and adds the corporate markers; returns null with errors (file: message) on a bad file or rule.</summary>
    public static RulePack? Load(IEnumerable<string> paths, DetectorOptions options, List<string> errors)
    {
        var definitions = new List<(string File, RuleDefinition Rule)>();
        foreach (var path in paths)
        {
            try
            {
                using var stream = File.OpenRead(path);
                var file = JsonSerializer.Deserialize(stream, RuleFileJsonContext.Default.RuleFile);
                definitions.AddRange((file?.Rules ?? []).Select(r => (path, r)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                errors.Add($"{path}: {e.Message}");
            }
        }

        return errors.Count > 0 ? null : Build(definitions, options, errors);
    }

    /// <summary>Builds a pack from definitions already read (tests, extra rules from memory).</summary>
    internal static RulePack? Build(IEnumerable<(string File, RuleDefinition Rule)> definitions, DetectorOptions options, List<string> errors)
    {
        var accepted = new List<(string File, RuleDefinition Rule)>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (file, d) in definitions)
        {
            var where = $"{file}: rule {d.Id ?? "(no id)"}";
            if (string.IsNullOrEmpty(d.Id) || string.IsNullOrEmpty(d.Type))
            {
                errors.Add($"{where}: needs id and type");
                continue;
            }

            if (!s_categories.Contains(d.Category ?? "secret"))
            {
                errors.Add($"{where}: category must be secret, pii or corporate");
                continue;
            }

            if ((d.Pattern is null) == (d.Scanner is null) || (d.Scanner is not null && !Scanners.Contains(d.Scanner)))
            {
                errors.Add($"{where}: needs a pattern or one of the scanners {string.Join(", ", Scanners)}");
                continue;
            }

            if (d.Pattern is not null && (d.Keywords is null || d.Keywords.Count == 0 || d.Keywords.Any(k => k.Length == 0 || (k.Length == 1 && char.IsAsciiDigit(k[0])))))
            {
                errors.Add($"{where}: a pattern rule needs non-empty keywords for the prefilter");
                continue;
            }

            // A later file overrides an earlier rule of the same id in place (analysts tune shipped rules).
            if (positions.TryGetValue(d.Id, out var position))
            {
                accepted[position] = (file, d);
            }
            else
            {
                positions[d.Id] = accepted.Count;
                accepted.Add((file, d));
            }
        }

        var rules = new List<DetectorRule>(accepted.Count);
        foreach (var (file, d) in accepted)
        {
            try
            {
                rules.Add(new DetectorRule(rules.Count, d, d.Type!, d.Category ?? "secret"));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                // NonBacktracking refuses lookarounds, backreferences and atomic groups: say which rule.
                errors.Add($"{file}: rule {d.Id}: pattern: {e.Message}");
            }
        }

        AddMarkers(rules, options.ClassificationLabels, "classification-label", "classification_label", "medium", "A-Za-z0-9_");
        AddMarkers(rules, options.CodeNames, "code-name", "project_code_name", "medium", "A-Za-z0-9_");
        AddMarkers(rules, options.CorporateDomains, "corporate-domain", "corporate_domain", "low", "A-Za-z0-9_");
        return errors.Count > 0 ? null : new RulePack(rules);
    }

    private static void AddMarkers(List<DetectorRule> rules, IReadOnlyList<string> literals, string idPrefix, string type, string severity, string boundary)
    {
        foreach (var literal in literals.Where(l => l.Trim().Length > 1).Select(l => l.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            rules.Add(new DetectorRule(rules.Count, $"{idPrefix}:{literal}", type, "corporate", severity, literal, 0)
            {
                Keywords = [literal],
                PatternSource = "(?i)" + Regex.Escape(literal),
                Boundary = CharClass.Parse(boundary),
                MaxLength = literal.Length,
            });
        }
    }

    public sealed record Anchor(string Text, int[] Rules);

    /// <summary>Keywords searched together with one comparison (at most <see cref="MaxAnchorsPerSearch"/>): their order is the order windows open in.</summary>
    public sealed class AnchorGroup
    {
        internal AnchorGroup(Dictionary<string, List<int>> anchors, StringComparison comparison)
        {
            Count = anchors.Count;
            Comparison = comparison;
            Anchors = [.. anchors.Select(a => new Anchor(a.Key, [.. a.Value.Distinct()]))];
            _search = new Lazy<SearchValues<string>>(() => SearchValues.Create([.. anchors.Keys], comparison));
        }

        private readonly Lazy<SearchValues<string>> _search;

        public int Count { get; }

        public StringComparison Comparison { get; }

        /// <summary>The keywords in insertion order: at one position they are tried in this order (window order depends on it).</summary>
        public Anchor[] Anchors { get; }

        /// <summary>The group as one <c>SearchValues&lt;string&gt;</c> (built on first use: the engine scans with <see cref="Filter"/>; the benchmark compares).</summary>
        public SearchValues<string> Search => _search.Value;
    }
}
