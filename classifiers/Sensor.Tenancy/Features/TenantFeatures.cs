namespace Sensor.Tenancy.Features;

/// <summary>
/// One AI/MCP session as the model sees it, plus what identifies the row and what was decided. The model reads
/// only the columns in <see cref="CategoricalColumns"/> and <see cref="NumericColumns"/>: explicit evidence
/// (tenant ids, credential fingerprints) is deliberately not a feature, so the model learns what is left when
/// that evidence is missing. Nothing here is a secret: credentials appear as kind and format prefix only.
/// Public settable properties because ML.NET reads rows by reflection.
/// </summary>
public sealed class TenantFeatures
{
    public static readonly string[] CategoricalColumns =
    [
        nameof(Vendor), nameof(Service), nameof(ServiceKind), nameof(Client), nameof(ClientApp), nameof(AuthKind), nameof(KeyKind),
        nameof(PlanHint), nameof(EmailDomain), nameof(OrgNameKind), nameof(RestrictionHeader), nameof(Alpn), nameof(SourceNet),
    ];

    public static readonly string[] NumericColumns =
    [
        nameof(LogBytesToServer), nameof(LogBytesToClient), nameof(LogDurationMs), nameof(LogRequests), nameof(PayloadVisible), nameof(Mcp),
    ];

    // Identity of the row (not features).
    public string Capture { get; set; } = "";

    public long FlowId { get; set; }

    public string CommunityId { get; set; } = "";

    public string FiveTuple { get; set; } = "";

    public long StartMicros { get; set; }

    public string Host { get; set; } = "";

    public string HostSource { get; set; } = "";

    public string Ja4 { get; set; } = "";

    // Categorical features ("none" when absent, so one-hot encoding has a value).
    public string Vendor { get; set; } = "none";

    public string Service { get; set; } = "none";

    public string ServiceKind { get; set; } = "none";

    /// <summary>The client named by JA4 or User-Agent through the catalog.</summary>
    public string Client { get; set; } = "none";

    /// <summary>The User-Agent's product token (<c>claude-cli</c>, <c>OpenAI/JS</c>, <c>curl</c>, <c>Mozilla</c>) or the SDK header family.</summary>
    public string ClientApp { get; set; } = "none";

    /// <summary>api_key, oauth_subscription, session_cookie, jwt, bearer, none, or several joined by '+'.</summary>
    public string AuthKind { get; set; } = "none";

    public string KeyKind { get; set; } = "none";

    /// <summary>personal, enterprise or none: a plan named in the traffic or the SPAN hint.</summary>
    public string PlanHint { get; set; } = "none";

    /// <summary>corporate, other or none: the account e-mail domain against the corporate domains.</summary>
    public string EmailDomain { get; set; } = "none";

    /// <summary>individual (an "… Individual Org"/"…'s Organization"), named, or none.</summary>
    public string OrgNameKind { get; set; } = "none";

    /// <summary>present, absent (requests visible, none carried it) or unseen (payload not visible).</summary>
    public string RestrictionHeader { get; set; } = "unseen";

    public string Alpn { get; set; } = "none";

    /// <summary>The client's /24 (IPv4) or /48 (IPv6): which office or VPN pool.</summary>
    public string SourceNet { get; set; } = "none";

    // Numeric features.
    public float LogBytesToServer { get; set; }

    public float LogBytesToClient { get; set; }

    public float LogDurationMs { get; set; }

    public float LogRequests { get; set; }

    public float PayloadVisible { get; set; }

    public float Mcp { get; set; }

    // What the sensor decided, and the analyst's label.
    public string Verdict { get; set; } = "unknown";

    public string Basis { get; set; } = "";

    public string TenantId { get; set; } = "";

    public float Confidence { get; set; }

    /// <summary>enterprise, personal, mixed, unknown, or empty when unlabelled.</summary>
    public string LabelTenant { get; set; } = "";

    /// <summary>The training target: personal (true) vs enterprise (false).</summary>
    public bool Label { get; set; }
}
