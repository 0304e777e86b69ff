using Sensor.Detectors.Rules;

namespace Sensor.Detectors.Engine;

/// <summary>Gets each distinct match of one scan: the rule, the value (valid only during the call) and how often it occurred.</summary>
public interface IMatchReceiver
{
    void OnMatch(DetectorRule rule, ReadOnlySpan<char> value, int count);
}
