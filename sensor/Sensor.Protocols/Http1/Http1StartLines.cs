namespace Sensor.Protocols.Http1;

/// <summary>
/// <c>request-line = method SP request-target SP HTTP-version</c> (RFC 9112 §3), as ranges into the parsed span.
/// </summary>
public readonly record struct Http1RequestLine(Range Method, Range Target, byte MajorVersion, byte MinorVersion);

/// <summary><c>status-line = HTTP-version SP status-code SP [ reason-phrase ]</c> (RFC 9112 §4), as ranges into the parsed span.</summary>
public readonly record struct Http1StatusLine(byte MajorVersion, byte MinorVersion, int StatusCode, Range Reason);
