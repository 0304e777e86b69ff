using System.Text;

namespace Sensor.Protocols.Dns;

/// <summary>
/// A decoded DNS message (RFC 1035 §4.1). Built per message at the event boundary: its names and RDATA are in one
/// UTF-8 array (<see cref="DnsText"/>), so reading a message allocates the message, that array and, for an answer, a
/// record array. Nearly every message asks one question (RFC 9619: a standard query has exactly one): it is held inline.
/// </summary>
public sealed class DnsMessage
{
    private readonly DnsQuestion _onlyQuestion;
    private readonly DnsQuestion[]? _questions;
    private readonly DnsRecord[] _answers;

    /// <param name="questions">The questions when there are none or several; null when there is just <paramref name="onlyQuestion"/>.</param>
    /// <param name="onlyQuestion">The one question, when <paramref name="questions"/> is null.</param>
    /// <param name="answers">The answer records.</param>
    internal DnsMessage(DnsQuestion[]? questions, in DnsQuestion onlyQuestion, DnsRecord[] answers)
    {
        _questions = questions;
        _onlyQuestion = onlyQuestion;
        _answers = answers;
    }

    public ushort Id { get; init; }

    public bool IsResponse { get; init; }

    public int Opcode { get; init; }

    public int Rcode { get; init; }

    public bool Truncated { get; init; }

    public bool RecursionDesired { get; init; }

    public bool RecursionAvailable { get; init; }

    public bool Authoritative { get; init; }

    public ReadOnlySpan<DnsQuestion> Questions => _questions ?? new ReadOnlySpan<DnsQuestion>(in _onlyQuestion);

    public ReadOnlySpan<DnsRecord> Answers => _answers;

    public int AuthorityCount { get; init; }

    public int AdditionalCount { get; init; }
}

/// <summary>A question; <see cref="NameUtf8"/> is the presentation form of its name (RFC 4343 escapes, so ASCII).</summary>
public readonly struct DnsQuestion(byte[] text, int nameStart, int nameLength, ushort type, ushort @class)
{
    public ReadOnlySpan<byte> NameUtf8 => text.AsSpan(nameStart, nameLength);

    public string Name => Encoding.UTF8.GetString(NameUtf8);

    public ushort Type => type;

    public ushort Class => @class;
}

/// <summary>An answer record; <see cref="DataUtf8"/> is the presentation form of its RDATA (address, name, text...).</summary>
public readonly struct DnsRecord(byte[] text, DnsRecord.Layout layout, ushort type, ushort @class, uint ttl)
{
    public ReadOnlySpan<byte> NameUtf8 => text.AsSpan(layout.NameStart, layout.NameLength);

    public ReadOnlySpan<byte> DataUtf8 => text.AsSpan(layout.NameStart + layout.NameLength, layout.DataLength);

    /// <summary>For A/AAAA: the address bytes (to map addresses back to names); empty otherwise.</summary>
    public ReadOnlySpan<byte> Address => text.AsSpan(layout.NameStart + layout.NameLength + layout.DataLength, layout.AddressLength);

    public string Name => Encoding.UTF8.GetString(NameUtf8);

    public string Data => Encoding.UTF8.GetString(DataUtf8);

    public ushort Type => type;

    public ushort Class => @class;

    public uint Ttl => ttl;

    /// <summary>Where the record's owner name, RDATA text and address bytes lie, back to back, in the message text.</summary>
    public readonly record struct Layout(int NameStart, int NameLength, int DataLength, int AddressLength);
}
