namespace Sensor.Core.Payloads;

/// <summary>Where in an HTTP message a value sits; the names match the shared captures' labels and finding.location.</summary>
public static class PayloadLocation
{
    public const string RequestUrl = "request-url";
    public const string RequestBody = "request-body";
    public const string ResponseBody = "response-body";

    public static string RequestHeader(string name) => "request-header:" + name;

    public static string ResponseHeader(string name) => "response-header:" + name;
}
