using System.Text.Json.Serialization;

namespace Sensor.Detectors.Rules;

/// <summary>One rule as written in a rule file (<c>classifiers/rules/secrets.json</c> or an analyst's extra file).</summary>
internal sealed class RuleDefinition
{
    [JsonPropertyName("id")] public string? Id { get; set; }

    [JsonPropertyName("type")] public string? Type { get; set; }

    /// <summary>secret, pii or corporate.</summary>
    [JsonPropertyName("category")] public string? Category { get; set; }

    [JsonPropertyName("severity")] public string? Severity { get; set; }

    /// <summary>Literal anchors for the prefilter (matched case-insensitively); the regex runs only near them.</summary>
    [JsonPropertyName("keywords")] public List<string>? Keywords { get; set; }

    /// <summary>Match the keywords case-sensitively (upper-case formats such as AKIA: far fewer prefilter candidates in prose).</summary>
    [JsonPropertyName("keywords_case_sensitive")] public bool? KeywordsCaseSensitive { get; set; }

    /// <summary>A .NET regex, compiled with NonBacktracking: no lookarounds, backreferences or atomic groups.</summary>
    [JsonPropertyName("pattern")] public string? Pattern { get; set; }

    /// <summary>Optional: the secret is the last match of this regex inside the pattern's match (context rules).</summary>
    [JsonPropertyName("secret_pattern")] public string? SecretPattern { get; set; }

    /// <summary>A code scanner instead of a pattern: payment_card, us_ssn, iban, aws_pair.</summary>
    [JsonPropertyName("scanner")] public string? Scanner { get; set; }

    /// <summary>Characters that may not touch the secret on either side (a character class body such as <c>A-Za-z0-9_-</c>).</summary>
    [JsonPropertyName("boundary")] public string? Boundary { get; set; }

    /// <summary>The literal format prefix the redacted preview may show (never more).</summary>
    [JsonPropertyName("prefix")] public string? Prefix { get; set; }

    /// <summary>Longest match, counted from the keyword's first character: bounds the regex window.</summary>
    [JsonPropertyName("max_length")] public int? MaxLength { get; set; }

    /// <summary>How far before the keyword a match may start.</summary>
    [JsonPropertyName("lookbehind")] public int? Lookbehind { get; set; }

    [JsonPropertyName("validator")] public string? Validator { get; set; }

    /// <summary>Minimum Shannon entropy (bits per character) of the secret, as gitleaks' <c>entropy</c>.</summary>
    [JsonPropertyName("entropy_min")] public double? EntropyMin { get; set; }

    /// <summary>Substrings (case-insensitive) that mark a placeholder or documentation example.</summary>
    [JsonPropertyName("stopwords")] public List<string>? Stopwords { get; set; }

    /// <summary>SHA-256 (hex) of known public example values that are not findings.</summary>
    [JsonPropertyName("allow_sha256")] public List<string>? AllowSha256 { get; set; }

    /// <summary>Hosts (exact or <c>*.suffix</c>; <c>*</c> = any) that issue this credential: sent to them in a header or URL it is the client's own auth, not a leak.</summary>
    [JsonPropertyName("issuer_hosts")] public List<string>? IssuerHosts { get; set; }

    /// <summary>Overlapping matches keep the higher priority (specific formats 0, generic ones below).</summary>
    [JsonPropertyName("priority")] public int? Priority { get; set; }

    [JsonPropertyName("source")] public string? Source { get; set; }
}

/// <summary>A rule file: a version and its rules.</summary>
internal sealed class RuleFile
{
    [JsonPropertyName("version")] public int Version { get; set; }

    [JsonPropertyName("description")] public string? Description { get; set; }

    [JsonPropertyName("rules")] public List<RuleDefinition>? Rules { get; set; }
}

/// <summary>
/// The rule file's reader, generated at build time: the reflection-based serializer emitted and JIT-compiled ~190
/// property accessors and converters at every start with detectors on.
/// </summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(RuleFile))]
internal sealed partial class RuleFileJsonContext : JsonSerializerContext;
