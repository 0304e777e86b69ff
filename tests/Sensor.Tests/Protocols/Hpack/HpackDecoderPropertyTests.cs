using Sensor.Protocols.Hpack;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Hpack;

/// <summary>Bad input gives a status, never an exception; caps hold (bombs); valid blocks decode without allocating.</summary>
public class HpackDecoderPropertyTests
{
    private const string HuffmanRequest = "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf";
    private const string HuffmanResponse = "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007";

    [Fact]
    public void Every_prefix_is_done_or_truncated_and_fields_before_the_cut_are_whole()
    {
        var block = RealisticBlock(huffman: true);
        var full = Decode(new HpackDecoder(), block, out var all);
        Assert.Equal(HpackStatus.Done, full);
        for (var cut = 0; cut < block.Length; cut++)
        {
            var status = Decode(new HpackDecoder(), block[..cut], out var fields);
            Assert.True(status is HpackStatus.Done or HpackStatus.Truncated, $"cut {cut}: {status}");
            Assert.Equal(all.Take(fields.Count), fields);
        }
    }

    [Fact]
    public void Garbage_after_a_valid_prefix_and_random_mutations_give_a_status()
    {
        var random = new Random(42);
        byte[][] seeds = [RealisticBlock(true), RealisticBlock(false), Convert.FromHexString(HuffmanRequest), Convert.FromHexString(HuffmanResponse)];
        for (var round = 0; round < 3000; round++)
        {
            var seed = seeds[round % seeds.Length];
            var input = round % 2 == 0
                ? Segments.TruncateWithGarbage(seed, random, random.Next(seed.Length + 1), random.Next(1, 64))
                : Segments.Mutate(seed, random, random.Next(1, 6));
            var decoder = new HpackDecoder();
            var handler = new CountingHandler();
            var status = decoder.Decode(input, ref handler);
            Assert.True(Enum.IsDefined(status));
            Assert.True(decoder.Table.Size <= decoder.Table.MaxSize);
            Assert.True(handler.Bytes <= HpackLimits.MaxHeaderListSize);
        }
    }

    [Fact]
    public void Hpack_bomb_of_references_to_a_large_entry_stops_at_the_list_cap()
    {
        // One 4,000-byte entry in the table, then 10,000 one-byte references to it: 40 MB if expanded.
        var builder = new HpackBuilder().Literal(0x40, 0, "x-bomb", new string('a', 4000), huffman: false);
        for (var i = 0; i < 10_000; i++)
        {
            builder.Indexed(HpackStaticTable.Count + 1);
        }

        var decoder = new HpackDecoder();
        var handler = new CountingHandler();
        Assert.Equal(HpackStatus.HeaderListTooLarge, decoder.Decode(builder.ToArray(), ref handler));
        Assert.True(handler.Bytes <= HpackLimits.MaxHeaderListSize);
        Assert.True(handler.Count < 70, $"{handler.Count} fields delivered");
    }

    [Fact]
    public void Size_update_above_the_peer_setting_or_after_a_field_is_rejected()
    {
        var handler = new CountingHandler();
        Assert.Equal(HpackStatus.TableSizeTooLarge, new HpackDecoder().Decode(new HpackBuilder().SizeUpdate(4097).ToArray(), ref handler));
        Assert.Equal(HpackStatus.TableSizeUpdateMisplaced, new HpackDecoder().Decode(new HpackBuilder().Indexed(2).SizeUpdate(0).ToArray(), ref handler));

        // A peer announcing more than the absolute cap is held to the cap.
        var decoder = new HpackDecoder();
        decoder.SetAllowedTableSize(1L << 30);
        Assert.Equal(HpackLimits.MaxTableSize, decoder.AllowedTableSize);
        Assert.Equal(HpackStatus.TableSizeTooLarge, decoder.Decode(new HpackBuilder().SizeUpdate(HpackLimits.MaxTableSize + 1).ToArray(), ref handler));
        Assert.Equal(HpackStatus.Done, decoder.Decode(new HpackBuilder().SizeUpdate(HpackLimits.MaxTableSize).ToArray(), ref handler));
    }

    [Theory]
    [InlineData("80")] // index 0
    [InlineData("be")] // dynamic index 1 of an empty table
    [InlineData("7f808080808001")] // an integer with 5 continuation bytes
    [InlineData("00ff")] // name length prefix then nothing
    [InlineData("0085f2b24a84ff874951fffffffa7f")] // h2spec: EOS inside a Huffman string
    public void Malformed_blocks_give_their_status(string hex)
    {
        var handler = new CountingHandler();
        var status = new HpackDecoder().Decode(Convert.FromHexString(hex), ref handler);
        Assert.NotEqual(HpackStatus.Done, status);
    }

    [Fact]
    public void Literal_indexed_with_a_dynamic_name_that_its_own_insertion_evicts()
    {
        // Table max 64: entry "k"/"v"*20 (54 bytes) fills it; the next literal reuses its name (index 62) and evicts it.
        var decoder = new HpackDecoder();
        var block = new HpackBuilder().SizeUpdate(64).Literal(0x40, 0, "k", new string('v', 20), false).Literal(0x40, 62, null, new string('w', 25), false).ToArray();
        var collector = new HeaderCollector();
        Assert.Equal(HpackStatus.Done, decoder.Decode(block, ref collector));
        Assert.Equal(("k", new string('w', 25)), collector.Fields[1]);
        Assert.Equal(1, decoder.Table.Count);
        Assert.Equal("k"u8.ToArray(), decoder.Table.Name(1).ToArray());
    }

    [Fact]
    public void Dynamic_table_survives_many_insertions_and_compactions()
    {
        // A reference model (a list) beside the table: after every insertion both agree on every entry.
        var table = new HpackDynamicTable(300);
        var model = new List<(byte[] Name, byte[] Value)>();
        var random = new Random(3);
        for (var i = 0; i < 5000; i++)
        {
            var name = new byte[random.Next(1, 40)];
            var value = new byte[random.Next(0, 120)];
            random.NextBytes(name);
            random.NextBytes(value);
            table.Add(name, value);
            model.Insert(0, (name, value));
            AssertAgreesWithModel(table, model, 300);
        }
    }

    [Fact]
    public void Dynamic_table_agrees_with_a_model_while_growing_from_empty_and_through_size_updates()
    {
        // Buffers start empty and grow with the entries; size updates shrink (evicting) and grow the bound in between.
        int[] sizes = [4096, 0, 64, 300, 4096, 16_384, HpackLimits.MaxTableSize, 1000];
        var table = new HpackDynamicTable(0);
        var model = new List<(byte[] Name, byte[] Value)>();
        var random = new Random(11);
        for (var i = 0; i < 6000; i++)
        {
            if (i % 250 == 0)
            {
                table.SetMaxSize(sizes[(i / 250) % sizes.Length]);
            }
            else
            {
                var name = new byte[random.Next(1, 40)];
                var value = new byte[random.Next(0, i % 7 == 0 ? 5000 : 150)];
                random.NextBytes(name);
                random.NextBytes(value);
                table.Add(name, value);
                model.Insert(0, (name, value));
            }

            AssertAgreesWithModel(table, model, table.MaxSize);
        }
    }

    [Fact]
    public void A_new_decoder_makes_no_table_or_scratch_buffers_until_a_block_needs_them()
    {
        // Two decoders per HTTP/2 connection: made up front, the 4 KiB table's buffers and the scratch were ~12 KiB each.
        var allocated = Allocation.Measure(() => GC.KeepAlive(new HpackDecoder()));
        Assert.True(allocated < 512, $"a new decoder allocated {allocated} bytes");

        // Growing to what a realistic request uses stays well under the 4 KiB table's old fixed buffers (8 KiB + ring).
        var block = RealisticBlock(huffman: true);
        var grown = Allocation.Measure(() =>
        {
            var handler = new CountingHandler();
            if (new HpackDecoder().Decode(block, ref handler) != HpackStatus.Done)
            {
                throw new InvalidOperationException("decode failed");
            }
        });
        Assert.True(grown < 4096, $"decoding one request block allocated {grown} bytes");
    }

    [Fact]
    public void Valid_blocks_decode_without_allocating()
    {
        var decoder = new HpackDecoder();
        var block = RealisticBlock(huffman: true);
        var allocated = Allocation.Measure(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                var handler = new CountingHandler();
                if (decoder.Decode(block, ref handler) != HpackStatus.Done)
                {
                    throw new InvalidOperationException("decode failed");
                }
            }
        });
        Assert.Equal(0, allocated);
    }

    /// <summary>A Chrome-like request block: pseudo-headers, user agent, accept headers, a cookie; indexed names, Huffman values.</summary>
    internal static byte[] RealisticBlock(bool huffman) => new HpackBuilder()
        .Indexed(3) // :method POST
        .Literal(0x40, 1, null, "api.anthropic.com", huffman)
        .Indexed(7) // :scheme https
        .Literal(0x00, 4, null, "/v1/messages?beta=true", huffman)
        .Literal(0x40, 58, null, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", huffman)
        .Literal(0x40, 19, null, "application/json, text/event-stream", huffman)
        .Literal(0x40, 31, null, "application/json", huffman)
        .Literal(0x40, 16, null, "gzip, deflate, br, zstd", huffman)
        .Literal(0x40, 17, null, "en-US,en;q=0.9", huffman)
        .Literal(0x40, 0, "anthropic-version", "2023-06-01", huffman)
        .Literal(0x40, 0, "x-stainless-lang", "js", huffman)
        .Literal(0x10, 32, null, "_ga=GA1.1.123456789.1700000000; __cf_bm=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-1700000000-1.0.1.1", huffman)
        .ToArray();

    private static HpackStatus Decode(HpackDecoder decoder, byte[] block, out List<(string, string)> fields)
    {
        var collector = new HeaderCollector();
        var status = decoder.Decode(block, ref collector);
        fields = collector.Fields;
        return status;
    }

    /// <summary>Evicts from the model what no longer fits <paramref name="maxSize"/> (RFC 7541 4.1: 32 bytes per entry), then compares every entry.</summary>
    private static void AssertAgreesWithModel(HpackDynamicTable table, List<(byte[] Name, byte[] Value)> model, int maxSize)
    {
        var size = 0;
        var keep = 0;
        foreach (var (n, v) in model)
        {
            if (size + n.Length + v.Length + 32 > maxSize)
            {
                break;
            }

            size += n.Length + v.Length + 32;
            keep++;
        }

        model.RemoveRange(keep, model.Count - keep);
        Assert.Equal(model.Count, table.Count);
        Assert.Equal(size, table.Size);
        for (var k = 0; k < model.Count; k++)
        {
            Assert.True(table.Name(k + 1).SequenceEqual(model[k].Name));
            Assert.True(table.Value(k + 1).SequenceEqual(model[k].Value));
        }
    }
}
