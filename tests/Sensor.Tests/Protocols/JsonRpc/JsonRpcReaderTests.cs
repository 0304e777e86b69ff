using System.Text;
using System.Text.Json;
using Sensor.Protocols.JsonRpc;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.JsonRpc;

public sealed class JsonRpcReaderTests
{
    public static TheoryData<int> ConformanceLines => new(Enumerable.Range(0, ConformanceMessages.Value.Count));

    private static readonly Lazy<List<(string Kind, string? Method, string? Id, byte[] Message)>> ConformanceMessages = new(LoadConformance);

    [Theory]
    [MemberData(nameof(ConformanceLines))]
    public void ConformanceExample_ClassifiesToItsMethodAndKind(int line)
    {
        var (kind, method, id, message) = ConformanceMessages.Value[line];
        var messages = new List<JsonRpcMessageInfo>();

        Assert.Equal(JsonRpcStatus.Ok, JsonRpcReader.Read(message, messages, out var isBatch));

        Assert.False(isBatch);
        var info = Assert.Single(messages);
        var expectedKind = kind switch
        {
            "request" => JsonRpcKind.Request,
            "notification" => JsonRpcKind.Notification,
            "response" => JsonRpcKind.Result,
            "error" => JsonRpcKind.Error,
            _ => throw new InvalidDataException(kind),
        };
        Assert.Equal(expectedKind, info.Kind);
        Assert.Equal(method, JsonRpcText.GetString(message, info.Method));
        Assert.Equal(id, JsonRpcText.GetRaw(message, info.Id));
        Assert.True(info.HasVersion);
        Assert.Equal(message.Length, info.Message.End.Value);
        Assert.Equal(Reference(message), Ours(message));
    }

    [Fact]
    public void Batch_GivesEachMessageWithItsOwnRange()
    {
        var body = Encoding.UTF8.GetBytes("""
            [{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_weather","arguments":{"location":"Paris"}}},
             {"jsonrpc":"2.0","method":"notifications/initialized"},
             {"jsonrpc":"2.0","id":"r-1","result":{"tools":[]}},
             {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request"}},
             {"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"file:///a\u0062c"}}]
            """);
        var messages = new List<JsonRpcMessageInfo>();

        Assert.Equal(JsonRpcStatus.Ok, JsonRpcReader.Read(body, messages, out var isBatch));

        Assert.True(isBatch);
        Assert.Equal([JsonRpcKind.Request, JsonRpcKind.Notification, JsonRpcKind.Result, JsonRpcKind.Error, JsonRpcKind.Request], messages.Select(m => m.Kind));
        Assert.Equal("get_weather", JsonRpcText.GetString(body, messages[0].ParamsName));
        Assert.Equal("\"r-1\"", JsonRpcText.GetRaw(body, messages[2].Id));
        Assert.Equal(-32600, messages[3].ErrorCode);
        Assert.Null(JsonRpcText.GetRaw(body, messages[3].Id));
        Assert.Equal("file:///abc", JsonRpcText.GetString(body, messages[4].ParamsUri));
        Assert.True(messages[4].HasEscapes);
        using var second = JsonDocument.Parse(body.AsMemory(messages[1].Message));
        Assert.Equal("notifications/initialized", second.RootElement.GetProperty("method").GetString());
    }

    [Theory]
    [InlineData("", JsonRpcStatus.Empty)]
    [InlineData("  \r\n", JsonRpcStatus.Empty)]
    [InlineData("[]", JsonRpcStatus.Empty)]
    [InlineData("42", JsonRpcStatus.NotJsonRpc)]
    [InlineData("{\"jsonrpc\":\"2.0\"}", JsonRpcStatus.NotJsonRpc)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"result\":{}}", JsonRpcStatus.NotJsonRpc)]
    [InlineData("[1,2]", JsonRpcStatus.NotJsonRpc)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"a\"} {}", JsonRpcStatus.InvalidJson)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"a\"", JsonRpcStatus.InvalidJson)]
    [InlineData("{\"method\":\"a\",}", JsonRpcStatus.InvalidJson)]
    public void Malformed_GivesAStatus(string body, JsonRpcStatus expected)
    {
        Assert.Equal(expected, JsonRpcReader.Read(Encoding.UTF8.GetBytes(body), [], out _));
    }

    [Theory]
    [InlineData("Accepted")]
    [InlineData("grant_type=authorization_code&code=abc&redirect_uri=http%3A%2F%2Flocalhost")]
    [InlineData("<html><body>Not Found</body></html>")]
    [InlineData(" \r\n Method Not Allowed")]
    [InlineData("nope")]
    [InlineData("tru")]
    [InlineData("fals")]
    [InlineData("\uFEFF{}")]
    public void PlainTextBody_IsInvalidJson_WithoutThrowing(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var status = JsonRpcStatus.Ok;

        var thrown = FirstChance.Count<JsonException>(() => status = JsonRpcReader.Read(bytes, [], out _));

        Assert.Equal(JsonRpcStatus.InvalidJson, status);
        Assert.Equal("malformed", Reference(bytes));
        Assert.Equal(0, thrown);
    }

    [Fact]
    public void EveryFirstByte_MatchesJsonDocument()
    {
        // The shape test decides on the first byte (and a literal's spelling): every byte, before valid and invalid rests.
        string[] rests = ["", "{}", "rue", "alse", "ull", "1", "\"a\"", " {\"jsonrpc\":\"2.0\",\"method\":\"a\"}"];
        for (var first = 0; first < 256; first++)
        {
            foreach (var rest in rests)
            {
                var input = new[] { (byte)first }.Concat(Encoding.UTF8.GetBytes(rest)).ToArray();
                Assert.Equal(Reference(input), Ours(input));
            }
        }
    }

    [Fact]
    public void DepthCap_IsAStatus()
    {
        var deep = "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":{\"x\":" + new string('[', 80) + new string(']', 80) + "}}";

        Assert.Equal(JsonRpcStatus.TooDeep, JsonRpcReader.Read(Encoding.UTF8.GetBytes(deep), [], out _));
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(deep));
    }

    [Fact]
    public void SizeAndBatchCaps_AreStatuses()
    {
        var big = new byte[JsonRpcLimits.MaxMessageBytes + 1];
        Assert.Equal(JsonRpcStatus.TooLarge, JsonRpcReader.Read(big, [], out _));
        var flood = "[" + string.Join(",", Enumerable.Repeat("{\"jsonrpc\":\"2.0\",\"method\":\"a\"}", JsonRpcLimits.MaxBatchMessages + 1)) + "]";
        Assert.Equal(JsonRpcStatus.TooLarge, JsonRpcReader.Read(Encoding.UTF8.GetBytes(flood), [], out _));
    }

    [Fact]
    public void EveryPrefix_GivesAStatus_AndOnlyTheWholeMessageIsOk()
    {
        var message = ConformanceMessages.Value[0].Message;
        for (var length = 0; length < message.Length; length++)
        {
            Assert.NotEqual(JsonRpcStatus.Ok, JsonRpcReader.Read(message.AsSpan(0, length), [], out _));
        }

        Assert.Equal(JsonRpcStatus.Ok, JsonRpcReader.Read(message, [], out _));
    }

    [Fact]
    public void MutatedAndTruncatedMessages_MatchJsonDocument()
    {
        var random = new Random(424242);
        foreach (var (_, _, _, message) in ConformanceMessages.Value)
        {
            for (var round = 0; round < 40; round++)
            {
                var input = round % 2 == 0
                    ? Segments.Mutate(message, random, 1 + random.Next(3))
                    : Segments.TruncateWithGarbage(message, random, random.Next(message.Length), random.Next(1, 20));
                Assert.Equal(Reference(input), Ours(input));
            }
        }
    }

    [Fact]
    public void RandomGarbage_MatchesJsonDocument()
    {
        var random = new Random(7);
        var alphabet = Encoding.UTF8.GetBytes("{}[]\":,0123456789-.eE truefalsnul\\u\"jsonrpc\"method\"id\"result\"error\"params\"");
        for (var round = 0; round < 3000; round++)
        {
            var input = new byte[random.Next(0, 60)];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = random.Next(10) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            Assert.Equal(Reference(input), Ours(input));
        }
    }

    [Fact]
    public void ValidMessages_AllocateNothing_OnceWarm()
    {
        var bodies = ConformanceMessages.Value.Select(m => m.Message).ToArray();
        var messages = new List<JsonRpcMessageInfo>(4);
        var sink = 0;
        void Run()
        {
            foreach (var body in bodies)
            {
                JsonRpcReader.Read(body, messages, out _);
                sink += messages.Count;
            }
        }

        Assert.Equal(0, Allocation.Measure(Run));
        Assert.True(sink > 0);
    }

    // Our reading as comparable text: status, then per message kind/method/id/name/uri/code.
    private static string Ours(byte[] body)
    {
        var messages = new List<JsonRpcMessageInfo>();
        var status = JsonRpcReader.Read(body, messages, out _);
        if (status is JsonRpcStatus.InvalidJson or JsonRpcStatus.TooDeep)
        {
            return "malformed";
        }

        return status + ":" + string.Join(";", messages.Select(m =>
            $"{m.Kind}|{JsonRpcText.GetString(body, m.Method)}|{JsonRpcText.GetRaw(body, m.Id)}|{JsonRpcText.GetString(body, m.ParamsName)}|{JsonRpcText.GetString(body, m.ParamsUri)}|{m.ErrorCode}"));
    }

    // The oracle: JsonDocument parses, then the JSON-RPC 2.0 rules are applied to the tree.
    private static string Reference(byte[] body)
    {
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return "Empty:";
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = JsonRpcLimits.MaxDepth });
        }
        catch (JsonException)
        {
            return "malformed";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var one = Classify(root);
                return one is null ? "NotJsonRpc:" : "Ok:" + one;
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                return "NotJsonRpc:";
            }

            if (root.GetArrayLength() == 0)
            {
                return "Empty:";
            }

            var all = root.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object ? Classify(e) : null).ToList();
            return all.Contains(null) ? "NotJsonRpc:" : "Ok:" + string.Join(";", all);
        }
    }

    private static string? Classify(JsonElement message)
    {
        static string? Text(JsonElement parent, string name)
        {
            if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            try
            {
                return v.GetString();
            }
            catch (InvalidOperationException)
            {
                // Invalid UTF-8 inside the string: both sides fall back to the lossy text of the raw contents.
                return Raw(v)[1..^1];
            }
        }

        var method = Text(message, "method");
        var id = message.TryGetProperty("id", out var idElement) && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number ? Raw(idElement) : null;
        var hasResult = message.TryGetProperty("result", out _);
        var hasError = message.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object;
        var parameters = message.TryGetProperty("params", out var p) ? p : default;
        int? code = hasError && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var value) ? value : null;
        var kind = (method is not null, hasResult, hasError) switch
        {
            (true, false, false) => id is null ? "Notification" : "Request",
            (false, true, false) => "Result",
            (false, false, true) => "Error",
            _ => null,
        };
        return kind is null ? null : $"{kind}|{method}|{id}|{Text(parameters, "name")}|{Text(parameters, "uri")}|{code}";
    }

    private static string Raw(JsonElement element) => Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element));

    private static List<(string, string?, string?, byte[])> LoadConformance()
    {
        var result = new List<(string, string?, string?, byte[])>();
        foreach (var line in File.ReadLines(SharedInputs.Conformance("mcp/jsonrpc-messages.jsonl")))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var id = root.GetProperty("id");
            result.Add((
                root.GetProperty("kind").GetString()!,
                root.GetProperty("method").GetString(),
                id.ValueKind == JsonValueKind.Null ? null : id.GetRawText(),
                Encoding.UTF8.GetBytes(root.GetProperty("message").GetRawText())));
        }

        return result;
    }
}
