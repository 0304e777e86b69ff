using System.Text;
using Sensor.Sessions.Http;

namespace Sensor.Tests.Sessions.Http;

/// <summary>Shared header value strings: the same text as decoding afresh, shared only for repeating, non-credential fields.</summary>
public sealed class HeaderValueCacheTests
{
    [Theory]
    [InlineData("User-Agent", "user-agent", true)]
    [InlineData("content-type", "content-type", true)]
    [InlineData("MCP-Session-Id", "mcp-session-id", true)]
    [InlineData("Authorization", "authorization", false)]
    [InlineData("x-api-key", "x-api-key", false)]
    [InlineData("x-goog-api-key", "x-goog-api-key", false)]
    [InlineData("Cookie", "cookie", false)]
    [InlineData("Set-Cookie", "set-cookie", false)]
    [InlineData("Date", "date", false)]
    [InlineData("Location", "location", false)]
    [InlineData("x-custom-token", "x-custom-token", false)]
    public void OnlyRepeatingNonCredentialFields_AreShared(string wire, string name, bool repeating)
    {
        Assert.Equal(name, Http1Strings.Name(Encoding.ASCII.GetBytes(wire), out var cached));
        Assert.Equal(repeating, cached);
        var known = Http1Strings.KnownName(Encoding.ASCII.GetBytes(name), out var cachedH2);
        Assert.Equal(repeating, cachedH2);
        Assert.True(known is null || known == name);

        var value = Encoding.ASCII.GetBytes("a value seen on every request " + name);
        var first = Http1Strings.Value(value, cached);
        var second = Http1Strings.Value(value, cached);
        Assert.Equal(first, second);
        Assert.Equal(repeating, ReferenceEquals(first, second));
    }

    [Fact]
    public void CachedValues_AreAlwaysTheFreshDecoding_IncludingCollisionsAndInvalidUtf8()
    {
        var random = new Random(23);
        var pool = new List<byte[]>();
        for (var i = 0; i < 200; i++)
        {
            var value = new byte[random.Next(0, 320)];
            random.NextBytes(value);
            if (i % 3 == 0)
            {
                for (var k = 0; k < value.Length; k++)
                {
                    value[k] = (byte)(32 + (value[k] % 95)); // printable ASCII, the usual case
                }
            }

            pool.Add(value);
        }

        // Same length and the same first and last eight bytes, different middles: one slot, taking turns.
        var left = Encoding.ASCII.GetBytes("application/json; charset=utf-8");
        var right = Encoding.ASCII.GetBytes("application/JSON; charset=utf-8");
        pool.Add(left);
        pool.Add(right);
        for (var round = 0; round < 20_000; round++)
        {
            var value = pool[round % 7 == 0 ? pool.Count - 1 - (round % 2) : random.Next(pool.Count)];
            Assert.Equal(Http1Strings.Text(value), HeaderValueCache.Get(value));
        }
    }
}
