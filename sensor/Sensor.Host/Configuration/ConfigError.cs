namespace Sensor.Host.Configuration;

/// <summary>A validation error that says what, where and why: <c>file:line:col key: message</c> (operations.md §5).</summary>
internal sealed record ConfigError(string File, long Line, long Column, string Key, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column} {Key}: {Message}";
}
