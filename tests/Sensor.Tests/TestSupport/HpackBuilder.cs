using System.Text;
using Sensor.Protocols.Hpack;

namespace Sensor.Tests.TestSupport;

/// <summary>
/// Writes HPACK representations (RFC 7541 §6) for tests: integers, plain or Huffman strings, indexed and literal
/// fields, size updates. Deliberately simple and independent of the decoder's tables except the Huffman codes,
/// which <c>HpackHuffmanTests</c> checks against the BCL's own table.
/// </summary>
internal sealed class HpackBuilder
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public HpackBuilder Indexed(int index) => Integer(0x80, 7, index);

    public HpackBuilder SizeUpdate(int size) => Integer(0x20, 5, size);

    /// <summary>Literal with incremental indexing (0x40), without indexing (0x00) or never indexed (0x10).</summary>
    public HpackBuilder Literal(byte pattern, int nameIndex, string? name, string value, bool huffman)
    {
        Integer(pattern, pattern == 0x40 ? 6 : 4, nameIndex);
        if (nameIndex == 0)
        {
            String(name!, huffman);
        }

        return String(value, huffman);
    }

    public HpackBuilder String(string text, bool huffman) => String(Encoding.Latin1.GetBytes(text), huffman);

    public HpackBuilder String(byte[] raw, bool huffman)
    {
        var data = huffman ? Huffman(raw) : raw;
        Integer((byte)(huffman ? 0x80 : 0), 7, data.Length);
        _bytes.AddRange(data);
        return this;
    }

    public HpackBuilder Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public HpackBuilder Integer(byte pattern, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            _bytes.Add((byte)(pattern | value));
            return this;
        }

        _bytes.Add((byte)(pattern | max));
        value -= max;
        while (value >= 128)
        {
            _bytes.Add((byte)((value & 0x7f) | 0x80));
            value >>= 7;
        }

        _bytes.Add((byte)value);
        return this;
    }

    /// <summary>Huffman-codes <paramref name="raw"/>, padding with the most significant bits of EOS (all ones).</summary>
    public static byte[] Huffman(ReadOnlySpan<byte> raw)
    {
        var output = new List<byte>();
        ulong bits = 0;
        var count = 0;
        foreach (var b in raw)
        {
            var (code, length) = HpackHuffman.Code(b);
            bits = (bits << length) | code;
            count += length;
            while (count >= 8)
            {
                output.Add((byte)(bits >> (count - 8)));
                count -= 8;
            }
        }

        if (count > 0)
        {
            output.Add((byte)((bits << (8 - count)) | (0xffu >> count)));
        }

        return [.. output];
    }
}

/// <summary>Collects decoded fields as Latin-1 strings.</summary>
internal struct HeaderCollector : IHpackHeaderHandler
{
    public HeaderCollector()
    {
    }

    public List<(string Name, string Value)> Fields { get; } = [];

    public readonly void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        Fields.Add((Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));
}

/// <summary>Counts fields without allocating (for the allocation checks).</summary>
internal struct CountingHandler : IHpackHeaderHandler
{
    public int Count;
    public int Bytes;

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Count++;
        Bytes += name.Length + value.Length;
    }
}
