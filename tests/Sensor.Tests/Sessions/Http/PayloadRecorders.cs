using System.Text;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;

namespace Sensor.Tests.Sessions.Http;

/// <summary>Logs every observer step, in order, with what the exchange held at that moment.</summary>
internal sealed class RecordingObserver : IHttpObserver
{
    public List<string> Log { get; } = [];

    public List<HttpExchange> Completed { get; } = [];

    public Dictionary<HttpExchange, MemoryStream> Streamed { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Runs at OnResponseComplete, before the event is written (to add evidence or redactions).</summary>
    public Action<HttpExchange>? OnComplete { get; init; }

    public void OnRequestHeaders(HttpExchange exchange) => Log.Add($"{exchange.Index} request-headers {exchange.Method} {exchange.Target}");

    public void OnRequestComplete(HttpExchange exchange) => Log.Add($"{exchange.Index} request-complete {exchange.RequestBody.Length}");

    public void OnResponseHeaders(HttpExchange exchange) => Log.Add($"{exchange.Index} response-headers {exchange.Status}");

    public void OnBodyData(HttpExchange exchange, Direction direction, ReadOnlySpan<byte> decoded)
    {
        if (!Streamed.TryGetValue(exchange, out var stream))
        {
            Streamed[exchange] = stream = new MemoryStream();
        }

        stream.Write(decoded);
    }

    public void OnResponseComplete(HttpExchange exchange, bool ended)
    {
        Log.Add($"{exchange.Index} response-complete {exchange.ResponseBody.Length} {(ended ? "ended" : "open")}");
        Completed.Add(exchange);
        OnComplete?.Invoke(exchange);
    }
}

/// <summary>Keeps each inspected item as "direction location=text"; optionally redacts where the text contains a marker.</summary>
internal sealed class RecordingInspector : IPayloadInspector
{
    public List<string> Items { get; } = [];

    public string? SecretMarker { get; init; }

    public void Inspect(in PayloadSource source, ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data);
        Items.Add($"{source.Direction} {source.Location}={text}");
        if (SecretMarker is not null && text.Contains(SecretMarker, StringComparison.Ordinal))
        {
            source.Exchange?.Redact(source.Location);
        }
    }
}
