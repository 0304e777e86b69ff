using Sensor.Core.Streams;

namespace Sensor.Core.Payloads;

/// <summary>
/// A detector stage's view of payloads (classifiers see sessions through small interfaces, architecture.md):
/// every decoded item a session can show, once, with where it came from. Implementations write <c>finding</c>
/// events themselves and mark redactions on the exchange; they must never echo the value.
/// </summary>
public interface IPayloadInspector
{
    /// <param name="source">Flow, direction, location and (for HTTP) the exchange the bytes belong to.</param>
    /// <param name="data">The decoded item (a URL, a header value, a body, an SSE event's data, a tool argument); valid only during the call.</param>
    void Inspect(in PayloadSource source, ReadOnlySpan<byte> data);
}

/// <summary>Where inspected bytes come from.</summary>
/// <param name="Location">A <see cref="PayloadLocation"/> value, or an MCP location such as <c>mcp:tools/call.arguments</c>.</param>
/// <param name="ContentType">The media type when known (<c>application/json</c> lets detectors unescape JSON strings).</param>
public readonly record struct PayloadSource(Events.FlowIdentity Flow, Direction Direction, string Location, HttpExchange? Exchange, string? ContentType, long TimestampMicros);
