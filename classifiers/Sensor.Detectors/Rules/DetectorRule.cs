using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Sensor.Detectors.Validators;

namespace Sensor.Detectors.Rules;

/// <summary>A compiled rule: its regexes (NonBacktracking, so matching stays linear in the window), checks and context.</summary>
public sealed class DetectorRule
{
    /// <summary>Every rule regex is compiled with these options: NonBacktracking makes ReDoS impossible by construction.</summary>
    public const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>Longest window a rule may ask for (the largest shipped rule, a PEM key, needs ~16 KiB).</summary>
    public const int MaxWindow = 64 * 1024;

    private readonly string[] _stopwords;
    private Regex? _pattern;
    private Regex? _secretPattern;
    private readonly HashSet<string>? _allowSha256;
    private readonly string[] _issuerHosts;

    internal DetectorRule(int index, string id, string type, string category, string severity, string prefix, int priority)
    {
        Index = index;
        Id = id;
        Type = type;
        Category = category;
        Severity = severity;
        Prefix = prefix;
        Priority = priority;
        Keywords = [];
        _stopwords = [];
        _issuerHosts = [];
    }

    internal DetectorRule(int index, RuleDefinition d, string type, string category)
        : this(index, d.Id!, type, category, d.Severity ?? "medium", d.Prefix ?? "", d.Priority ?? 0)
    {
        Keywords = [.. d.Keywords ?? []];
        KeywordsCaseSensitive = d.KeywordsCaseSensitive ?? false;
        PatternSource = d.Pattern;
        SecretPatternSource = d.SecretPattern;
        _pattern = Validate(d.Pattern);
        _secretPattern = Validate(d.SecretPattern);
        Linear = LinearPattern.TryCreate(d.Pattern);
        SecretLinear = LinearPattern.TryCreate(d.SecretPattern);
        Scanner = d.Scanner;
        Boundary = d.Boundary is { Length: > 0 } b ? CharClass.Parse(b) : null;
        MaxLength = Math.Clamp(d.MaxLength ?? 256, 1, MaxWindow);
        Lookbehind = Math.Clamp(d.Lookbehind ?? 0, 0, MaxWindow);
        Validator = d.Validator;
        EntropyMin = d.EntropyMin ?? 0;
        _stopwords = [.. d.Stopwords ?? []];
        _allowSha256 = d.AllowSha256 is { Count: > 0 } allow ? new HashSet<string>(allow, StringComparer.OrdinalIgnoreCase) : null;
        _issuerHosts = [.. d.IssuerHosts ?? []];
    }

    public int Index { get; }

    public string Id { get; }

    public string Type { get; }

    public string Category { get; }

    public string Severity { get; }

    /// <summary>The format prefix a redacted preview may show.</summary>
    public string Prefix { get; }

    public int Priority { get; }

    public IReadOnlyList<string> Keywords { get; internal init; }

    public bool KeywordsCaseSensitive { get; }

    /// <summary>The rule's regex source; its NonBacktracking <see cref="Pattern"/> is built on first use.</summary>
    public string? PatternSource { get; internal init; }

    public string? SecretPatternSource { get; }

    public bool HasPattern => PatternSource is not null;

    /// <summary>The NonBacktracking regex, built on the rule's first window (thread-safe; the pack is shared).</summary>
    public Regex? Pattern => _pattern ?? Build(ref _pattern, PatternSource);

    public Regex? SecretPattern => _secretPattern ?? Build(ref _secretPattern, SecretPatternSource);

    /// <summary><see cref="PatternSource"/> as a direct matcher when it is in <see cref="LinearPattern"/>'s subset (its regex is then built only if a window runs over budget).</summary>
    internal LinearPattern? Linear { get; }

    internal LinearPattern? SecretLinear { get; }

    public string? Scanner { get; }

    public SearchValues<char>? Boundary { get; internal init; }

    public int MaxLength { get; internal init; } = 256;

    public int Lookbehind { get; }

    public string? Validator { get; }

    public double EntropyMin { get; }

    public bool AnyIssuer => Array.IndexOf(_issuerHosts, "*") >= 0;

    /// <summary>Whether <paramref name="host"/> issues this credential (exact name, <c>*.suffix</c>, or <c>*</c>).</summary>
    public bool IsIssuer(string? host)
    {
        if (_issuerHosts.Length == 0)
        {
            return false;
        }

        foreach (var pattern in _issuerHosts)
        {
            if (pattern == "*")
            {
                return true;
            }

            if (host is null)
            {
                continue;
            }

            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                var suffix = pattern.AsSpan(1);
                if (host.Length > suffix.Length && host.AsSpan().EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Boundary, entropy, stopwords, allowlist and validator checks on a candidate secret at [start, start+length) of <paramref name="text"/>.</summary>
    internal bool Accept(ReadOnlySpan<char> text, int start, int length)
    {
        if (Boundary is { } boundary)
        {
            if ((start > 0 && boundary.Contains(text[start - 1])) || (start + length < text.Length && boundary.Contains(text[start + length])))
            {
                return false;
            }
        }

        var value = text.Slice(start, length);
        if (EntropyMin > 0 && Entropy.Shannon(value) < EntropyMin)
        {
            return false;
        }

        foreach (var stop in _stopwords)
        {
            if (value.Contains(stop, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        if (_allowSha256 is not null && IsAllowed(value))
        {
            return false;
        }

        return Validator switch
        {
            null => true,
            "github_crc32" => GitHubChecksum.IsValid(value),
            "has_digit" => value.ContainsAnyInRange('0', '9'),
            "jwt_header" => JwtHeader.IsPlausible(value),
            "email" => EmailShape.IsPlausible(value),
            "url_password" => UrlPassword.HasRealPassword(value),
            _ => true,
        };
    }

    /// <summary>Parses <paramref name="source"/> at load: syntax errors and refused constructs throw here, naming the rule. Returns the regex when it had to be built now.</summary>
    private static Regex? Validate(string? source)
    {
        if (source is null)
        {
            return null;
        }

        if (!PatternCheck.SafeToBuildLazily(source))
        {
            return new Regex(source, Options);
        }

        _ = new Regex(source, Options & ~RegexOptions.NonBacktracking);
        return null;
    }

    private static Regex? Build(ref Regex? slot, string? source)
    {
        if (source is null)
        {
            return null;
        }

        Regex built;
        try
        {
            built = new Regex(source, Options);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // Cannot happen for a pattern PatternCheck passed (it was parsed at load): the rule then matches nothing.
            built = new Regex("[^\\s\\S]", Options);
        }

        return Interlocked.CompareExchange(ref slot, built, null) ?? built;
    }

    private bool IsAllowed(ReadOnlySpan<char> value)
    {
        if (value.Length > 512)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[value.Length];
        Encoding.Latin1.GetBytes(value, bytes);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return _allowSha256!.Contains(Convert.ToHexStringLower(hash));
    }
}
