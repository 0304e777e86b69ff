namespace Sensor.Core.Payloads;

/// <summary>
/// The client's own credential on a request, described without its value: kind (<c>api_key</c>,
/// <c>oauth_subscription</c>, <c>session_cookie</c>, <c>jwt</c>, <c>bearer</c>), where it was carried, a short
/// prefix that names its format (<c>sk-ant-api03</c>), and its SHA-256 for matching sanctioned credentials in
/// the tenant config. <see cref="Sha256Hex"/> stays in memory: no event writes it.
/// </summary>
public sealed record CredentialInfo(string Kind, string Location, string FormatPrefix, string Sha256Hex);
