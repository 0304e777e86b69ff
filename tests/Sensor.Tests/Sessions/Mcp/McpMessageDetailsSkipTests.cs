using System.Text;
using System.Text.Json;
using Sensor.Protocols.JsonRpc;
using Sensor.Sessions.Mcp;

namespace Sensor.Tests.Sessions.Mcp;

/// <summary>
/// The MCP parser builds no document for a message whose document could tell nothing (NeedsDocument false): for every
/// such message, reading the document anyway gives no details at all, so skipping the parse changes no event.
/// </summary>
public sealed class McpMessageDetailsSkipTests
{
    public static TheoryData<string, JsonRpcKind, string?> Skipped => new()
    {
        { """{"jsonrpc":"2.0","method":"notifications/initialized"}""", JsonRpcKind.Notification, "notifications/initialized" },
        { """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":3,"total":10}}""", JsonRpcKind.Notification, "notifications/progress" },
        { """{"jsonrpc":"2.0","id":1,"method":"resources/list","params":{}}""", JsonRpcKind.Request, "resources/list" },
        { """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", JsonRpcKind.Request, "tools/list" },
        { """{"jsonrpc":"2.0","id":4,"result":{"resources":[{"uri":"notion://page/1","name":"Roadmap"}],"nextCursor":"abc"}}""", JsonRpcKind.Result, "resources/list" },
        { """{"jsonrpc":"2.0","id":4,"result":{"resources":[]}}""", JsonRpcKind.Result, null },
        { """{"jsonrpc":"2.0","id":9,"method":"ping"}""", JsonRpcKind.Request, "ping" },
        { """{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"notion://page/1"}}""", JsonRpcKind.Request, "resources/read" },
        // Read by the threat detectors (their ReadsDocument), not by the details.
        { """{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"ok"}]}}""", JsonRpcKind.Result, "tools/call" },
        { """{"jsonrpc":"2.0","id":3,"result":{"contents":[{"uri":"notion://page/1","text":"hi"}]}}""", JsonRpcKind.Result, "resources/read" },
    };

    [Theory]
    [MemberData(nameof(Skipped))]
    public void Skipped_MessagesHaveNoDetails(string json, JsonRpcKind kind, string? method)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.False(McpMessageDetails.NeedsDocument(bytes, kind, method));
        using var document = JsonDocument.Parse(bytes);
        var details = McpMessageDetails.Read(document.RootElement, kind, method);
        Assert.Null(details.ProtocolVersion);
        Assert.Null(details.Client);
        Assert.Null(details.Server);
        Assert.Null(details.Tools);
        Assert.Null(details.ArgumentNames);
        Assert.Null(details.ToolKeys);
    }

    [Theory]
    // Methods whose details read the document.
    [InlineData("""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}""", JsonRpcKind.Request, "initialize")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}""", JsonRpcKind.Result, "tools/list")]
    [InlineData("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"x","arguments":{}}}""", JsonRpcKind.Request, "tools/call")]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"name":"x","arguments":{}}}""", JsonRpcKind.Notification, "tools/call")]
    // Any method: the 2026 _meta copies, an answer naming its server, and names that may hide behind escapes.
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", JsonRpcKind.Notification, "notifications/initialized")]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{"serverInfo":{"name":"s","version":"1"}}}""", JsonRpcKind.Result, "server/discover")]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{"protocolVersion":"2025-11-25"}}""", JsonRpcKind.Result, null)]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{"\u0073erverInfo":{"name":"s","version":"1"}}}""", JsonRpcKind.Result, "server/discover")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"\u005fmeta":{"io.modelcontextprotocol/clientInfo":{"name":"c"}}}}""", JsonRpcKind.Notification, "notifications/progress")]
    public void Needed_WhenTheDocumentCanTellSomething(string json, JsonRpcKind kind, string? method) =>
        Assert.True(McpMessageDetails.NeedsDocument(Encoding.UTF8.GetBytes(json), kind, method));

    [Fact]
    public void Errors_AreNeverParsed() =>
        Assert.False(McpMessageDetails.NeedsDocument("""{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"_meta"}}"""u8, JsonRpcKind.Error, "tools/call"));

    [Fact]
    public void EscapedNames_WouldHaveGivenDetails()
    {
        // The escaped forms above are real details once parsed: the backslash rule is what keeps them.
        using var document = JsonDocument.Parse("""{"jsonrpc":"2.0","id":5,"result":{"\u0073erverInfo":{"name":"s","version":"1"}}}""");
        Assert.Equal(("s", "1"), McpMessageDetails.Read(document.RootElement, JsonRpcKind.Result, "server/discover").Server);
    }
}
