using System.Text;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Core.Streams;

namespace Sensor.Tests.Sessions.Mcp;

/// <summary>
/// Plays one HTTP exchange to observers in the order the HTTP dispatcher calls them (request headers, request body,
/// response headers, body chunks for event streams, response complete).
/// </summary>
internal sealed class ExchangeDriver(IReadOnlyList<IHttpObserver> observers)
{
    private int _index;

    public HttpExchange Request(FlowIdentity flow, string method, string host, string target, string? body = null, params (string Name, string Value)[] headers)
    {
        var exchange = new HttpExchange(flow, "HTTP/1.1", _index++) { Method = method, Host = host, Target = target };
        foreach (var (name, value) in headers)
        {
            exchange.RequestHeaders.Add(new HttpHeader(name, value));
        }

        foreach (var observer in observers)
        {
            observer.OnRequestHeaders(exchange);
        }

        if (body is not null)
        {
            exchange.RequestBody.Append(Encoding.UTF8.GetBytes(body), 1 << 20);
        }

        foreach (var observer in observers)
        {
            observer.OnRequestComplete(exchange);
        }

        return exchange;
    }

    public void ResponseHeaders(HttpExchange exchange, int status, params (string Name, string Value)[] headers)
    {
        exchange.Status = status;
        foreach (var (name, value) in headers)
        {
            exchange.ResponseHeaders.Add(new HttpHeader(name, value));
        }

        exchange.ResponseIsEventStream = exchange.ResponseHeaders.Get("content-type")?.StartsWith("text/event-stream", StringComparison.Ordinal) == true;
        foreach (var observer in observers)
        {
            observer.OnResponseHeaders(exchange);
        }
    }

    public void Chunk(HttpExchange exchange, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        exchange.ResponseBody.Append(bytes, 1 << 20);
        foreach (var observer in observers)
        {
            observer.OnBodyData(exchange, Direction.ToClient, bytes);
        }
    }

    public void Complete(HttpExchange exchange, string? body = null)
    {
        if (body is not null)
        {
            exchange.ResponseBody.Append(Encoding.UTF8.GetBytes(body), 1 << 20);
        }

        foreach (var observer in observers)
        {
            observer.OnResponseComplete(exchange, true);
        }
    }

    /// <summary>A whole exchange with a JSON (or empty) answer.</summary>
    public HttpExchange Exchange(FlowIdentity flow, string method, string host, string target, string? body, (string, string)[] requestHeaders, int status, string? answer, params (string, string)[] responseHeaders)
    {
        var exchange = Request(flow, method, host, target, body, requestHeaders);
        ResponseHeaders(exchange, status, responseHeaders);
        if (exchange.ResponseIsEventStream && answer is not null)
        {
            Chunk(exchange, answer);
            answer = null;
        }

        Complete(exchange, answer);
        return exchange;
    }
}
