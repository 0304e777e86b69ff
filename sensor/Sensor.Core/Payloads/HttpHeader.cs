namespace Sensor.Core.Payloads;

/// <summary>One header as received: the name lower-cased (HTTP/2 sends it so; HTTP/1.1 names are folded), the value as sent.</summary>
public readonly record struct HttpHeader(string Name, string Value);
