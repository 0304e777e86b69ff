using System.Text;
using BenchmarkDotNet.Attributes;
using Sensor.Protocols.Hpack;

namespace Sensor.Benchmarks.Protocols.Http2;

/// <summary>
/// HPACK decode of a Chrome-like request header block (pseudo-headers, user agent, accept headers, a cookie), all
/// values Huffman-coded: the first block on a connection (literals, inserts into the table) and a repeat block
/// (indexed references to the dynamic table). Budget on valid input: 0 B per block (issue 4).
/// </summary>
public class HpackDecodeBenchmarks
{
    private static readonly (int NameIndex, string? Name, string Value)[] s_fields =
    [
        (1, null, "api.anthropic.com"),
        (4, null, "/v1/messages?beta=true"),
        (58, null, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"),
        (19, null, "application/json, text/event-stream"),
        (31, null, "application/json"),
        (16, null, "gzip, deflate, br, zstd"),
        (17, null, "en-US,en;q=0.9"),
        (0, "anthropic-version", "2023-06-01"),
        (0, "x-stainless-lang", "js"),
        (32, null, "_ga=GA1.1.123456789.1700000000; __cf_bm=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-1700000000-1.0.1.1"),
    ];

    private byte[] _literalBlock = [];
    private byte[] _indexedBlock = [];
    private HpackDecoder _decoder = new();

    [GlobalSetup]
    public void Setup()
    {
        var literal = new List<byte> { 0x83, 0x87 }; // :method POST, :scheme https
        foreach (var (index, name, value) in s_fields)
        {
            // Literal without indexing, so the block decodes the same every time.
            Integer(literal, 0x00, 4, index);
            if (index == 0)
            {
                String(literal, name!);
            }

            String(literal, value);
        }

        _literalBlock = [.. literal];

        // The same request with everything indexed: 10 entries in the dynamic table, referenced as one byte each.
        _decoder = new HpackDecoder();
        var insert = new List<byte>();
        foreach (var (index, name, value) in s_fields)
        {
            Integer(insert, 0x40, 6, index);
            if (index == 0)
            {
                String(insert, name!);
            }

            String(insert, value);
        }

        var handler = new Counter();
        _decoder.Decode(insert.ToArray(), ref handler);
        var indexed = new List<byte> { 0x83, 0x87 };
        for (var i = s_fields.Length; i >= 1; i--)
        {
            Integer(indexed, 0x80, 7, HpackStaticTable.Count + i);
        }

        _indexedBlock = [.. indexed];
    }

    [Benchmark(Baseline = true)]
    public int DecodeHuffmanLiterals()
    {
        var handler = new Counter();
        _decoder.Decode(_literalBlock, ref handler);
        return handler.Bytes;
    }

    [Benchmark]
    public int DecodeIndexed()
    {
        var handler = new Counter();
        _decoder.Decode(_indexedBlock, ref handler);
        return handler.Bytes;
    }

    private static void Integer(List<byte> output, byte pattern, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            output.Add((byte)(pattern | value));
            return;
        }

        output.Add((byte)(pattern | max));
        for (value -= max; value >= 128; value >>= 7)
        {
            output.Add((byte)((value & 0x7f) | 0x80));
        }

        output.Add((byte)value);
    }

    private static void String(List<byte> output, string text)
    {
        var encoded = new List<byte>();
        ulong bits = 0;
        var count = 0;
        foreach (var b in Encoding.ASCII.GetBytes(text))
        {
            var (code, length) = HpackHuffman.Code(b);
            bits = (bits << length) | code;
            for (count += length; count >= 8; count -= 8)
            {
                encoded.Add((byte)(bits >> (count - 8)));
            }
        }

        if (count > 0)
        {
            encoded.Add((byte)((bits << (8 - count)) | (0xffu >> count)));
        }

        Integer(output, 0x80, 7, encoded.Count);
        output.AddRange(encoded);
    }

    private struct Counter : IHpackHeaderHandler
    {
        public int Bytes;

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Bytes += name.Length + value.Length;
    }
}
