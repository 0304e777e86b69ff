using System.Buffers;
using System.Buffers.Text;

namespace Sensor.Core.Json;

/// <summary>
/// Builds minified JSON from parts whose bytes need no escaping, for an event body written many times a second and
/// handed to <see cref="System.Text.Json.Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/> in one copy.
/// The bytes are those Utf8JsonWriter writes (no whitespace; separators placed as it places them). A string that
/// would need an escape (outside printable ASCII, or a quote or backslash) is not written: <see cref="String"/>
/// returns false and the caller writes that event through the writer instead, whose escaping then applies.
/// </summary>
public sealed class PlainJsonBuilder
{
    /// <summary>Grows to the largest body built; a DNS answer with the record cap reached is the big case (tens of KB).</summary>
    private const int InitialCapacity = 1024;

    /// <summary>Per thread, reused: events are written on the thread that writes the sink.</summary>
    [ThreadStatic]
    private static PlainJsonBuilder? t_shared;

    /// <summary>Printable ASCII but the quote and the backslash: the bytes Utf8JsonWriter copies into a string unescaped.</summary>
    private static readonly SearchValues<byte> s_plain = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Select(b => (byte)b).Where(b => b is not (byte)'"' and not (byte)'\\')]);

    private byte[] _bytes = new byte[InitialCapacity];

    /// <summary>A value (or a closed container) was written last at this level: the next member or element needs a comma.</summary>
    private bool _afterValue;

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

    public void Number(ReadOnlySpan<byte> name, long value)
    {
        Name(name);
        Ensure(20);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(Length), out var written);
        Length += written;
        _afterValue = true;
    }

    public void Boolean(ReadOnlySpan<byte> name, bool value)
    {
        Name(name);
        Raw(value ? "true"u8 : "false"u8);
        _afterValue = true;
    }

    private void Name(ReadOnlySpan<byte> name)
    {
        Separator();
        Ensure(name.Length + 3);
        _bytes[Length++] = (byte)'"';
        name.CopyTo(_bytes.AsSpan(Length));
        Length += name.Length;
        _bytes[Length++] = (byte)'"';
        _bytes[Length++] = (byte)':';
    }

    private void Open(byte bracket)
    {
        Separator();
        Raw([bracket]);
        _afterValue = false;
    }

    private void Close(byte bracket)
    {
        Raw([bracket]);
        _afterValue = true;
    }

    /// <summary>After a name the value follows directly; after a value the next member or element takes a comma.</summary>
    private void Separator()
    {
        if (_afterValue)
        {
            Raw(","u8);
            _afterValue = false;
        }
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
        }
    }
}
