using System.Globalization;
using Sensor.Tenancy.Configuration;
using YamlDotNet.RepresentationModel;

namespace Sensor.Host.Configuration;

/// <summary>
/// The <c>tenants:</c> section: the enterprise's tenants per vendor, sanctioned credentials by SHA-256, corporate
/// domains, required tenant-restriction headers and the model. Same rules as the rest of the config: every key is
/// known, every error names file, line, column and key.
/// </summary>
/// <example>
/// tenants:
///   corporate_domains: [acmecorp.com]
///   anthropic: { org_ids: [758d8427-ab75-4fcb-bee3-2126aac9ba9b] }
///   openai: { org_ids: [org-…], project_ids: [proj_…], workspace_ids: [c6d40587-…] }
///   github: { enterprise_ids: [acmecorp] }
///   credentials: [ { vendor: google, sha256: "…64 hex…" } ]
///   restriction_headers: { anthropic: anthropic-allowed-org-ids, openai/chatgpt-web: chatgpt-allowed-workspace-id }
///   ml: { model: default, threshold: 0.5 }
/// </example>
internal static class TenantConfigReader
{
    /// <summary>Keys of a vendor section -> the id kind the evidence names.</summary>
    private static readonly Dictionary<string, string> s_idKeys = new(StringComparer.Ordinal)
    {
        ["org_ids"] = "org_id", ["project_ids"] = "project_id", ["workspace_ids"] = "workspace_id", ["enterprise_ids"] = "enterprise_id",
    };

    /// <summary>The word that names the model shipped with the sensor instead of a path.</summary>
    public const string DefaultModel = "default";

    public static TenantPolicy Read(string path, YamlNode section, List<ConfigError> errors, string shippedModelPath)
    {
        void Error(YamlNode node, string key, string message) => errors.Add(new ConfigError(path, node.Start.Line, node.Start.Column, key, message));

        if (section is not YamlMappingNode map)
        {
            Error(section, "tenants", "expected a mapping");
            return TenantPolicy.Empty;
        }

        var policy = new TenantPolicy();
        var ids = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>>(StringComparer.Ordinal);
        var credentials = new Dictionary<string, string>(StringComparer.Ordinal);
        var restriction = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                Error(keyNode, "tenants.(key)", "expected a plain key name");
                continue;
            }

            var key = "tenants." + name;
            switch (name)
            {
                case "corporate_domains":
                    policy = policy with { CorporateDomains = [.. Strings(value, key, Error).Select(d => d.TrimEnd('.').ToLowerInvariant())] };
                    break;
                case "credentials":
                    ReadCredentials(value, key, credentials, Error);
                    break;
                case "restriction_headers":
                    ReadRestriction(value, key, restriction, Error);
                    break;
                case "ml":
                    policy = ReadMl(path, value, key, policy, Error, shippedModelPath);
                    break;
                default:
                    if (!IsVendorName(name))
                    {
                        Error(keyNode, key, "unknown key (expected corporate_domains, credentials, restriction_headers, ml, or a vendor id such as anthropic)");
                        break;
                    }

                    ids[name] = ReadVendor(value, key, Error);
                    break;
            }
        }

        return policy with { Ids = ids, Credentials = credentials, RestrictionHeaders = restriction };
    }

    private static Dictionary<string, IReadOnlySet<string>> ReadVendor(YamlNode node, string key, Action<YamlNode, string, string> error)
    {
        var kinds = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        if (node is not YamlMappingNode map)
        {
            error(node, key, "expected a mapping of id lists (" + string.Join(", ", s_idKeys.Keys) + ")");
            return kinds;
        }

        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!s_idKeys.TryGetValue(name, out var kind))
            {
                error(k, $"{key}.{name}", "unknown key (known: " + string.Join(", ", s_idKeys.Keys) + ")");
                continue;
            }

            kinds[kind] = new HashSet<string>(Strings(v, $"{key}.{name}", error), StringComparer.Ordinal);
        }

        return kinds;
    }

    private static void ReadCredentials(YamlNode node, string key, Dictionary<string, string> credentials, Action<YamlNode, string, string> error)
    {
        if (node is not YamlSequenceNode list)
        {
            error(node, key, "expected a list of { vendor: NAME, sha256: HEX }");
            return;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var itemKey = $"{key}[{i}]";
            if (list.Children[i] is not YamlMappingNode item)
            {
                error(list.Children[i], itemKey, "expected { vendor: NAME, sha256: HEX }");
                continue;
            }

            string? vendor = null, sha = null;
            foreach (var (k, v) in item.Children)
            {
                var name = (k as YamlScalarNode)?.Value;
                var text = (v as YamlScalarNode)?.Value;
                switch (name)
                {
                    case "vendor" when text is { Length: > 0 } && IsVendorName(text): vendor = text; break;
                    case "vendor": error(v, itemKey + ".vendor", "expected a vendor id such as google"); break;
                    case "sha256" when text is { Length: 64 } && text.All(char.IsAsciiHexDigit): sha = text.ToLowerInvariant(); break;
                    case "sha256": error(v, itemKey + ".sha256", "expected the 64 hex digits of the token's SHA-256 (never the token itself)"); break;
                    default: error(k, $"{itemKey}.{name}", "unknown key (known: vendor, sha256)"); break;
                }
            }

            if (vendor is null && !item.Children.Any(c => (c.Key as YamlScalarNode)?.Value == "vendor"))
            {
                error(item, itemKey + ".vendor", "missing");
            }

            if (sha is null && !item.Children.Any(c => (c.Key as YamlScalarNode)?.Value == "sha256"))
            {
                error(item, itemKey + ".sha256", "missing");
            }

            if (vendor is not null && sha is not null)
            {
                credentials[sha] = vendor;
            }
        }
    }

    private static void ReadRestriction(YamlNode node, string key, Dictionary<string, string> restriction, Action<YamlNode, string, string> error)
    {
        if (node is not YamlMappingNode map)
        {
            error(node, key, "expected a mapping of vendor (or vendor/service) to header name");
            return;
        }

        foreach (var (k, v) in map.Children)
        {
            var target = (k as YamlScalarNode)?.Value ?? "";
            var header = (v as YamlScalarNode)?.Value;
            var parts = target.Split('/');
            if (parts.Length > 2 || !parts.All(IsVendorName))
            {
                error(k, $"{key}.{target}", "expected a vendor id or vendor/service, e.g. openai/chatgpt-web");
            }
            else if (header is not { Length: > 0 } || !header.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                error(v, $"{key}.{target}", "expected an HTTP header name such as anthropic-allowed-org-ids");
            }
            else
            {
                restriction[target] = header.ToLowerInvariant();
            }
        }
    }

    private static TenantPolicy ReadMl(string path, YamlNode node, string key, TenantPolicy policy, Action<YamlNode, string, string> error, string shippedModelPath)
    {
        if (node is not YamlMappingNode map)
        {
            error(node, key, "expected a mapping with model and threshold");
            return policy;
        }

        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var text = (v as YamlScalarNode)?.Value;
            switch (name)
            {
                case "model" when text is { Length: > 0 }:
                    var model = text == DefaultModel ? shippedModelPath : Path.GetFullPath(text, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
                    if (!File.Exists(model))
                    {
                        error(v, $"{key}.model", $"model file not found: {model}");
                    }

                    policy = policy with { ModelPath = model };
                    break;
                case "model":
                    error(v, $"{key}.model", "expected a path to a model file, or 'default'");
                    break;
                case "threshold":
                    if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) && threshold is > 0 and < 1)
                    {
                        policy = policy with { Threshold = threshold };
                    }
                    else
                    {
                        error(v, $"{key}.threshold", "expected a probability between 0 and 1 (exclusive), e.g. 0.5");
                    }

                    break;
                default:
                    error(k, $"{key}.{name}", "unknown key (known: model, threshold)");
                    break;
            }
        }

        return policy;
    }

    private static List<string> Strings(YamlNode node, string key, Action<YamlNode, string, string> error)
    {
        var values = new List<string>();
        if (node is not YamlSequenceNode list)
        {
            error(node, key, "expected a list of strings, e.g. [a, b]");
            return values;
        }

        foreach (var item in list.Children)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } text })
            {
                values.Add(text);
            }
            else
            {
                error(item, key, "expected a non-empty string");
            }
        }

        return values;
    }

    private static bool IsVendorName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '_' || c == '.');
}
