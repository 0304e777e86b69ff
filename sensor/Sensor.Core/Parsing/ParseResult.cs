namespace Sensor.Core.Parsing;

/// <summary>
/// Status plus how much input was consumed and, for <see cref="ParseStatus.NeedMoreData"/>, how much
/// more is needed. Invariant: <c>Consumed &lt;= input.Length</c>.
/// </summary>
public readonly record struct ParseResult(ParseStatus Status, int Consumed, int Needed = 0)
{
    public static ParseResult Done(int consumed) => new(ParseStatus.Done, consumed);

    public static ParseResult NeedMore(int consumed, int needed) => new(ParseStatus.NeedMoreData, consumed, needed);

    public static ParseResult Invalid(int consumed = 0) => new(ParseStatus.Invalid, consumed);
}
