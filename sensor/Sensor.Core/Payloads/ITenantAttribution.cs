using Sensor.Core.Events;

namespace Sensor.Core.Payloads;

/// <summary>
/// Tenant attribution as the inspection stage sees it (classifiers see sessions through small interfaces,
/// architecture.md): at the end of each AI or MCP session it asks for the session's verdict; the attribution
/// combines what it observed on the flow's HTTP exchanges with the SPAN-visible facts given here.
/// Called on the worker's thread.
/// </summary>
public interface ITenantAttribution
{
    /// <summary>The session's verdict; policy findings (category <c>tenant</c>) go to <paramref name="findings"/>.</summary>
    SessionTenancy Decide(AiSessionFacts facts, IEventSink findings);

    /// <summary>The flow ended (AI session or not): per-flow state can go.</summary>
    void Forget(long flowId);
}

/// <summary>What the inspection stage knows about an AI session without its payload.</summary>
public sealed record AiSessionFacts(FlowIdentity Flow, string Vendor, string Service, string ServiceKind, string Host, string HostSource)
{
    public string? Client { get; init; }

    public string? Ja4 { get; init; }

    public string? Alpn { get; init; }

    public string? TlsVersion { get; init; }

    /// <summary>A SPAN-visible tenant hint (catalog: the Copilot plan host), when one applies.</summary>
    public TenantVerdict? Hint { get; init; }

    public string? Plan { get; init; }

    public long BytesToServer { get; init; }

    public long BytesToClient { get; init; }

    public long PacketsToServer { get; init; }

    public long PacketsToClient { get; init; }

    public long StartMicros { get; init; }

    public long EndMicros { get; init; }
}

/// <summary>The session's verdict plus what the exchanges showed that the <c>ai</c> event reports.</summary>
/// <param name="RequestTenants">How many requests were attributed to each tenant (<c>enterprise</c>, <c>personal</c>, <c>unknown</c>).</param>
public sealed record SessionTenancy(TenantVerdict Verdict, IReadOnlyDictionary<string, int> RequestTenants)
{
    public string? Model { get; init; }

    /// <summary>All tenant ids seen, in order, when more than one (mixed sessions).</summary>
    public IReadOnlyList<string> TenantIds { get; init; } = [];
}
