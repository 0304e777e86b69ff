namespace Sensor.Core.Parsing;

/// <summary>
/// Result of a parse step (Suricata's ok/err/incomplete, Kestrel's bool + consumed, runtime's
/// ParsingStatus). Wire input never throws: it yields one of these.
/// </summary>
public enum ParseStatus : byte
{
    Done,
    NeedMoreData,
    Invalid,
    Unsupported,
}
