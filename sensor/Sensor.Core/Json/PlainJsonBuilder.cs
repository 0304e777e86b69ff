using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sensor.Core.Json;

/// <summary>
/// Builds minified JSON from parts whose bytes need no escaping, for an event body written many times a second and
/// handed to <see cref="System.Text.Json.Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/> in one copy.
/// The bytes are those Utf8JsonWriter writes (no whitespace; separators placed as it places them). A string that
/// would need an escape (outside printable ASCII, or a quote or backslash) is not written: <see cref="String"/>
/// returns false and the caller writes that event through the writer instead, whose escaping then applies.
/// </summary>
/// <remarks>
/// The <see cref="Text(ReadOnlySpan{byte}, string?)"/> members take any text instead: plain text is copied, the rare value
/// that needs escaping goes through a writer with <see cref="WriterOptions"/> (the sink's), so the bytes stay the writer's.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The escaping writer writes into an ArrayBufferWriter: no resource to release, its Dispose only flushes")]
public sealed class PlainJsonBuilder
{
    /// <summary>Grows to the largest body built; a DNS answer with the record cap reached is the big case (tens of KB).</summary>
    private const int InitialCapacity = 1024;

    /// <summary>Texts up to this many characters are checked and narrowed in one scalar pass; longer ones by the vectorised searches.</summary>
    private const int ShortText = 24;

    /// <summary>Per thread, reused: events are written on the thread that writes the sink.</summary>
    [ThreadStatic]
    private static PlainJsonBuilder? t_shared;

    /// <summary>Printable ASCII but the quote and the backslash: the bytes Utf8JsonWriter copies into a string unescaped.</summary>
    private static readonly SearchValues<byte> s_plain = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Select(b => (byte)b).Where(b => b is not (byte)'"' and not (byte)'\\')]);

    /// <summary>The same characters as <see cref="s_plain"/>, for UTF-16 text.</summary>
    private static readonly SearchValues<char> s_plainChars = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not '"' and not '\\')]);

    private byte[] _bytes = new byte[InitialCapacity];

    private readonly Events.EveTimeWriter _times = new();

    /// <summary>Escapes the values that are not plain (created on the first one): the writer's bytes, not a copy of its rules.</summary>
    private ArrayBufferWriter<byte>? _escaped;
    private Utf8JsonWriter? _escaper;

    /// <summary>A value (or a closed container) was written last at this level: the next member or element needs a comma.</summary>
    private bool _afterValue;

    /// <summary>The EVE sink's writer options (it uses these): relaxed escaping ('+' in times and non-ASCII text stay as they are; NDJSON, never HTML).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    /// <summary>This thread's builder, emptied.</summary>
    public static PlainJsonBuilder Shared()
    {
        var builder = t_shared ??= new PlainJsonBuilder();
        builder.Length = 0;
        builder._afterValue = false;
        return builder;
    }

    /// <summary>This thread's builder, emptied, placed after a member of an object that is already open (the next member takes a comma).</summary>
    public static PlainJsonBuilder SharedAfterMember()
    {
        var builder = Shared();
        builder._afterValue = true;
        return builder;
    }

    /// <summary>True when <paramref name="utf8"/> goes into a JSON string as it is: printable ASCII, no quote, no backslash.</summary>
    public static bool IsPlain(ReadOnlySpan<byte> utf8) => utf8.IndexOfAnyExcept(s_plain) < 0;

    /// <summary>True when <paramref name="text"/> goes into a JSON string as its ASCII bytes.</summary>
    public static bool IsPlain(ReadOnlySpan<char> text) => text.IndexOfAnyExcept(s_plainChars) < 0;

    /// <summary>Another builder (the shared one is the body's): e.g. for the sink's per-flow envelope.</summary>
    public static PlainJsonBuilder Create() => new();

    /// <summary>Empties the builder, placed after a member of an object that is already open: <c>,"a":1</c>.</summary>
    public void ClearAfterMember()
    {
        Length = 0;
        _afterValue = true;
    }

    public void StartObject() => Open((byte)'{');

    public void StartObject(ReadOnlySpan<byte> name)
    {
        Name(name);
        Open((byte)'{');
    }

    public void StartArray(ReadOnlySpan<byte> name)
    {
        Name(name);
        Open((byte)'[');
    }

    public void EndObject() => Close((byte)'}');

    public void EndArray() => Close((byte)']');

    /// <summary>A string member; false (nothing written) when the value would need escaping.</summary>
    public bool String(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (!IsPlain(value))
        {
            return false;
        }

        Name(name);
        Ensure(value.Length + 2);
        _bytes[Length++] = (byte)'"';
        value.CopyTo(_bytes.AsSpan(Length));
        Length += value.Length;
        _bytes[Length++] = (byte)'"';
        _afterValue = true;
        return true;
    }

    /// <summary>A string member as <see cref="Utf8JsonWriter.WriteString(ReadOnlySpan{byte}, string?)"/> writes it: null as <c>null</c>, escapes included.</summary>
    public void Text(ReadOnlySpan<byte> name, string? value)
    {
        Name(name);
        if (value is null)
        {
            Raw("null"u8);
        }
        else
        {
            TextBytes(value);
        }

        _afterValue = true;
    }

    /// <summary>A string member from a slice of text (a capped field), as the writer writes it.</summary>
    public void Text(ReadOnlySpan<byte> name, ReadOnlySpan<char> value)
    {
        Name(name);
        TextBytes(value);
        _afterValue = true;
    }

    /// <summary>An array element as <see cref="Utf8JsonWriter.WriteStringValue(string?)"/> writes it.</summary>
    public void TextValue(string? value)
    {
        Separator();
        if (value is null)
        {
            Raw("null"u8);
        }
        else
        {
            TextBytes(value);
        }

        _afterValue = true;
    }

    /// <summary>A number member whose name is text (a dictionary key), escaped as the writer escapes property names.</summary>
    public void Number(string name, long value)
    {
        Separator();
        if (IsPlain(name))
        {
            Ensure(name.Length + 3);
            _bytes[Length++] = (byte)'"';
            Length += Encoding.ASCII.GetBytes(name, _bytes.AsSpan(Length));
            _bytes[Length++] = (byte)'"';
            _bytes[Length++] = (byte)':';
        }
        else
        {
            var writer = Escaper();
            writer.WriteStartObject();
            writer.WritePropertyName(name);
            writer.Flush();
            Raw(_escaped!.WrittenSpan[1..]); // '"name":' without the object's brace
        }

        NumberBytes(value);
    }

    public void Null(ReadOnlySpan<byte> name)
    {
        Name(name);
        Raw("null"u8);
        _afterValue = true;
    }

    /// <summary>A double as the writer formats it (its own formatting, through the escaping writer: rare, e.g. a confidence).</summary>
    public void Number(ReadOnlySpan<byte> name, double value)
    {
        Name(name);
        var writer = Escaper();
        writer.WriteNumberValue(value);
        writer.Flush();
        Raw(_escaped!.WrittenSpan);
        _afterValue = true;
    }

    /// <summary>A time member, <c>"2026-11-24T10:00:00.123456+0000"</c> (<see cref="Events.EveTime"/>), through this builder's second cache.</summary>
    public void Time(ReadOnlySpan<byte> name, long unixMicros)
    {
        Name(name);
        Ensure(Events.EveTime.Length + 2);
        _bytes[Length++] = (byte)'"';
        _times.Write(unixMicros, _bytes.AsSpan(Length));
        Length += Events.EveTime.Length;
        _bytes[Length++] = (byte)'"';
        _afterValue = true;
    }

    /// <summary>A string member whose value formats itself as plain ASCII (an IP address), without a string in between.</summary>
    public void Formatted<T>(ReadOnlySpan<byte> name, T value, int maxLength)
        where T : IUtf8SpanFormattable
    {
        Name(name);
        Ensure(maxLength + 2);
        _bytes[Length++] = (byte)'"';
        if (!value.TryFormat(_bytes.AsSpan(Length, maxLength), out var written, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), "value longer than its stated maximum");
        }

        Length += written;
        _bytes[Length++] = (byte)'"';
        _afterValue = true;
    }

    public void Number(ReadOnlySpan<byte> name, long value)
    {
        Name(name);
        NumberBytes(value);
    }

    private void NumberBytes(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(Length), out var written);
        Length += written;
        _afterValue = true;
    }

    /// <summary>The quoted string: its ASCII bytes when plain, else the escaping writer's bytes for it.</summary>
    private void TextBytes(ReadOnlySpan<char> value)
    {
        Ensure(value.Length + 2);
        if (value.Length <= ShortText)
        {
            // Check and narrow in one pass: most values are short words (a method, a type, a host).
            var bytes = _bytes;
            var at = Length + 1;
            var i = 0;
            for (; i < value.Length; i++)
            {
                var c = value[i];
                if (c is < (char)0x20 or > (char)0x7E or '"' or '\\')
                {
                    break;
                }

                bytes[at + i] = (byte)c;
            }

            if (i == value.Length)
            {
                bytes[Length] = (byte)'"';
                bytes[at + i] = (byte)'"';
                Length = at + i + 1;
                return;
            }
        }
        else if (IsPlain(value))
        {
            _bytes[Length++] = (byte)'"';
            Length += Encoding.ASCII.GetBytes(value, _bytes.AsSpan(Length));
            _bytes[Length++] = (byte)'"';
            return;
        }

        var writer = Escaper();
        writer.WriteStringValue(value);
        writer.Flush();
        Raw(_escaped!.WrittenSpan);
    }

    private Utf8JsonWriter Escaper()
    {
        _escaped ??= new ArrayBufferWriter<byte>(256);
        _escaped.ResetWrittenCount();
        if (_escaper is null)
        {
            _escaper = new Utf8JsonWriter(_escaped, WriterOptions);
        }
        else
        {
            _escaper.Reset(_escaped);
        }

        return _escaper;
    }

    /// <summary>
    /// Members already encoded as the writer would write them (<c>"a":1,"b":"x"</c>, no leading comma): the separator
    /// when a value came before, then the bytes as they are. For constant runs of members, one copy instead of a call each.
    /// </summary>
    public void Members(ReadOnlySpan<byte> members)
    {
        Ensure(members.Length + 1);
        if (_afterValue)
        {
            _bytes[Length++] = (byte)',';
        }

        members.CopyTo(_bytes.AsSpan(Length));
        Length += members.Length;
        _afterValue = true;
    }

    public void Boolean(ReadOnlySpan<byte> name, bool value)
    {
        Name(name);
        Raw(value ? "true"u8 : "false"u8);
        _afterValue = true;
    }

    /// <summary>The separator (when a value came before), the quoted name and the colon, with one capacity check.</summary>
    private void Name(ReadOnlySpan<byte> name)
    {
        Ensure(name.Length + 4);
        var bytes = _bytes;
        var at = Length;
        if (_afterValue)
        {
            bytes[at++] = (byte)',';
            _afterValue = false;
        }

        bytes[at++] = (byte)'"';
        name.CopyTo(bytes.AsSpan(at));
        at += name.Length;
        bytes[at++] = (byte)'"';
        bytes[at++] = (byte)':';
        Length = at;
    }

    private void Open(byte bracket)
    {
        Ensure(2);
        if (_afterValue)
        {
            _bytes[Length++] = (byte)',';
        }

        _bytes[Length++] = bracket;
        _afterValue = false;
    }

    private void Close(byte bracket)
    {
        Ensure(1);
        _bytes[Length++] = bracket;
        _afterValue = true;
    }

    /// <summary>After a name the value follows directly; after a value the next member or element takes a comma.</summary>
    private void Separator()
    {
        if (_afterValue)
        {
            Ensure(1);
            _bytes[Length++] = (byte)',';
            _afterValue = false;
        }
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }

    // Inlined at every write: the common case is one compare; growing (rare, a big answer or body) stays out of line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length)
        {
            Grow(more);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int more) => Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
}
