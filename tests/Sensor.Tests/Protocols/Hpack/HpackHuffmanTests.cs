using System.Reflection;
using Sensor.Protocols.Hpack;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Hpack;

/// <summary>
/// The Huffman decoder against an oracle: System.Net.Http's own (internal) HPACK Huffman table and decoder, reached by
/// reflection because the BCL does not expose them. The codes must match bit for bit, and random strings must decode
/// alike in both.
/// </summary>
public class HpackHuffmanTests
{
    private delegate ReadOnlySpan<uint> CodesGetter();

    private delegate ReadOnlySpan<byte> LengthsGetter();

    private delegate int BclDecode(ReadOnlySpan<byte> source, ref byte[] destination);

    private static readonly Type s_bclHuffman = typeof(HttpClient).Assembly.GetType("System.Net.Http.HPack.Huffman", throwOnError: true)!;

    [Fact]
    public void Codes_equal_the_BCL_table_for_all_257_symbols()
    {
        var codes = Getter<CodesGetter>("EncodingTableCodes")();
        var lengths = Getter<LengthsGetter>("EncodingTableBitLengths")();
        Assert.Equal(257, lengths.Length);
        for (var symbol = 0; symbol <= HpackHuffman.Eos; symbol++)
        {
            var (code, length) = HpackHuffman.Code(symbol);
            Assert.Equal(lengths[symbol], length);

            // The BCL keeps codes left-aligned in 32 bits.
            Assert.Equal(codes[symbol] >> (32 - length), code);
        }
    }

    [Fact]
    public void Random_strings_decode_as_the_BCL_decodes_them()
    {
        var decode = s_bclHuffman.GetMethod("Decode", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.CreateDelegate<BclDecode>();
        var random = new Random(7541);
        for (var round = 0; round < 2000; round++)
        {
            var raw = new byte[random.Next(0, 200)];
            random.NextBytes(raw);
            if (round % 2 == 0)
            {
                // Mostly printable, as real headers are: exercises the short codes.
                for (var i = 0; i < raw.Length; i++)
                {
                    raw[i] = (byte)(32 + (raw[i] % 95));
                }
            }

            var encoded = HpackBuilder.Huffman(raw);
            var bclOut = new byte[raw.Length + 1];
            var bclLength = decode(encoded, ref bclOut);
            var ours = new byte[HpackHuffman.MaxDecodedLength(encoded.Length)];
            Assert.True(HpackHuffman.TryDecode(encoded, ours, out var written));
            Assert.Equal(bclOut.AsSpan(0, bclLength).ToArray(), ours.AsSpan(0, written).ToArray());
            Assert.Equal(raw, ours.AsSpan(0, written).ToArray());
        }
    }

    [Theory]
    [InlineData("ff", false)] // 8 bits of padding: more than 7 (RFC 7541 §5.2)
    [InlineData("1f", true)] // 00011 = 'a', then 111 padding
    [InlineData("fe", false)] // padding that is not all ones
    [InlineData("ffffffff", false)] // a complete EOS (30 bits) then 2 more bits
    [InlineData("07", true)] // '0' (00000) + 111 padding
    [InlineData("", true)]
    public void Padding_and_EOS_rules(string hex, bool valid)
    {
        var destination = new byte[16];
        Assert.Equal(valid, HpackHuffman.TryDecode(Convert.FromHexString(hex), destination, out _));
    }

    [Fact]
    public void Every_single_symbol_round_trips_with_its_padding()
    {
        var destination = new byte[8];
        for (var symbol = 0; symbol < 256; symbol++)
        {
            var encoded = HpackBuilder.Huffman([(byte)symbol]);
            Assert.True(HpackHuffman.TryDecode(encoded, destination, out var written));
            Assert.Equal(1, written);
            Assert.Equal((byte)symbol, destination[0]);
        }
    }

    private static T Getter<T>(string property)
        where T : Delegate =>
        s_bclHuffman.GetProperty(property, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.GetGetMethod(true)!.CreateDelegate<T>();
}
