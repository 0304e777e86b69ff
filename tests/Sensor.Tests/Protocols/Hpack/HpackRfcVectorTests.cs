using Sensor.Protocols.Hpack;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Hpack;

/// <summary>RFC 7541 Appendix C: the decoded fields and the dynamic table (entries, newest first, and size) after each block.</summary>
public class HpackRfcVectorTests
{
    private static readonly (string, string)[] s_request1 = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")];
    private static readonly (string, string)[] s_request2 = [.. s_request1, ("cache-control", "no-cache")];
    private static readonly (string, string)[] s_request3 = [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")];

    private static readonly (string, string)[] s_response1 = [(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];
    private static readonly (string, string)[] s_response2 = [(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];
    private static readonly (string, string)[] s_response3 =
    [
        (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
        ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
    ];

    private static readonly (string, string)[] s_requestTable1 = [(":authority", "www.example.com")];
    private static readonly (string, string)[] s_requestTable2 = [("cache-control", "no-cache"), (":authority", "www.example.com")];
    private static readonly (string, string)[] s_requestTable3 = [("custom-key", "custom-value"), ("cache-control", "no-cache"), (":authority", "www.example.com")];
    private static readonly (string, string)[] s_responseTable1 = [("location", "https://www.example.com"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("cache-control", "private"), (":status", "302")];
    private static readonly (string, string)[] s_responseTable2 = [(":status", "307"), ("location", "https://www.example.com"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("cache-control", "private")];
    private static readonly (string, string)[] s_responseTable3 =
        [("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"), ("content-encoding", "gzip"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT")];

    /// <summary>C.3 (plain) and C.4 (Huffman): three requests on one connection.</summary>
    public static TheoryData<string, string, string> Requests => new()
    {
        { "828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865", "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565" },
        { "828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf", "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf" },
    };

    /// <summary>C.5 (plain) and C.6 (Huffman): three responses with SETTINGS_HEADER_TABLE_SIZE 256, so entries are evicted.</summary>
    public static TheoryData<string, string, string> Responses => new()
    {
        {
            "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
            "4803333037c1c0bf",
            "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31"
        },
        {
            "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
            "4883640effc1c0bf",
            "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"
        },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void C3_C4_requests_decode_with_the_table_after_each(string first, string second, string third)
    {
        var decoder = new HpackDecoder();
        AssertBlock(decoder, first, s_request1, s_requestTable1, 57);
        AssertBlock(decoder, second, s_request2, s_requestTable2, 110);
        AssertBlock(decoder, third, s_request3, s_requestTable3, 164);
    }

    [Theory]
    [MemberData(nameof(Responses))]
    public void C5_C6_responses_evict_at_table_size_256(string first, string second, string third)
    {
        var decoder = new HpackDecoder();
        decoder.Table.SetMaxSize(256);
        AssertBlock(decoder, first, s_response1, s_responseTable1, 222);
        AssertBlock(decoder, second, s_response2, s_responseTable2, 222);
        AssertBlock(decoder, third, s_response3, s_responseTable3, 215);
    }

    [Fact]
    public void C2_literal_representations()
    {
        var decoder = new HpackDecoder();
        AssertBlock(decoder, "400a637573746f6d2d6b65790d637573746f6d2d686561646572", [("custom-key", "custom-header")], [("custom-key", "custom-header")], 55);

        decoder = new HpackDecoder();
        AssertBlock(decoder, "040c2f73616d706c652f70617468", [(":path", "/sample/path")], [], 0);

        decoder = new HpackDecoder();
        AssertBlock(decoder, "100870617373776f726406736563726574", [("password", "secret")], [], 0);

        decoder = new HpackDecoder();
        AssertBlock(decoder, "82", [(":method", "GET")], [], 0);
    }

    [Fact]
    public void Size_update_to_zero_then_up_empties_the_table_first()
    {
        var decoder = new HpackDecoder();
        AssertBlock(decoder, "828684410f7777772e6578616d706c652e636f6d", s_request1, s_requestTable1, 57);
        var block = new HpackBuilder().SizeUpdate(0).SizeUpdate(4096).Indexed(2).ToArray();
        var collector = new HeaderCollector();
        Assert.Equal(HpackStatus.Done, decoder.Decode(block, ref collector));
        Assert.Equal(0, decoder.Table.Count);
        Assert.Equal(4096, decoder.Table.MaxSize);
    }

    internal static void AssertBlock(HpackDecoder decoder, string hex, (string, string)[] fields, (string, string)[] table, int size)
    {
        var collector = new HeaderCollector();
        Assert.Equal(HpackStatus.Done, decoder.Decode(Convert.FromHexString(hex), ref collector));
        Assert.Equal(fields, collector.Fields);
        Assert.Equal(size, decoder.Table.Size);
        Assert.Equal(table.Length, decoder.Table.Count);
        for (var i = 0; i < table.Length; i++)
        {
            Assert.Equal(table[i].Item1, System.Text.Encoding.Latin1.GetString(decoder.Table.Name(i + 1)));
            Assert.Equal(table[i].Item2, System.Text.Encoding.Latin1.GetString(decoder.Table.Value(i + 1)));
        }
    }
}
