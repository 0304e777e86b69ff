using System.Text;
using Sensor.Core.Events;
using Sensor.Core.Payloads;
using Sensor.Sessions.AiApi;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Sessions.AiApi;

/// <summary>The allocation-free bearer check decides exactly as decoding the JWT payload does, and reading allocates little.</summary>
public sealed class CredentialReaderTests
{
    // A JWT-shaped test token (header {"alg":"none"}, payload {"sub":"test"}); no real credential.
    private const string Jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.c2ln";

    [Theory]
    [InlineData(Jwt, true)]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0", false)] // two parts
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.a.b", false)] // four parts
    [InlineData("xyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.c2ln", false)] // not "eyJ"
    [InlineData("eyJ.eyJzdWIiOiJ0ZXN0In0.", true)] // empty signature is still three parts
    [InlineData("eyJ..sig", true)] // empty payload decodes to nothing
    [InlineData("eyJ.e.sig", false)] // one base64 character cannot be padded into a quantum
    [InlineData("eyJ.ab-_.sig", true)] // base64url characters
    [InlineData("eyJ.ab+/.sig", true)] // plain base64 characters are accepted too
    [InlineData("eyJ.ab cd.sig", false)] // whitespace changes the padding count
    [InlineData("eyJ.ab=.sig", true)] // a partial padding is completed
    [InlineData("eyJ.a=b.sig", false)] // padding inside the text
    public void LooksLikeJwt_MatchesJwtPayload(string token, bool expected)
    {
        Assert.Equal(expected, CredentialReader.JwtPayload(token) is not null);
        Assert.Equal(expected, CredentialReader.LooksLikeJwt(token));
    }

    [Fact]
    public void LooksLikeJwt_AgreesWithJwtPayload_OnRandomTokens()
    {
        // Built from the characters that matter (base64 and base64url, dots, padding, whitespace), short and long.
        const string alphabet = "eyJABCabc019+/-_.= \t";
        var random = new Random(17);
        for (var round = 0; round < 20_000; round++)
        {
            var length = random.Next(0, round % 10 == 0 ? 4000 : 40);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var token = (round % 2 == 0 ? "eyJ" : string.Empty) + new string(chars);
            Assert.Equal(CredentialReader.JwtPayload(token) is not null, CredentialReader.LooksLikeJwt(token));
        }
    }

    [Fact]
    public void Read_BearerJwt_IsKindJwt_WithAHashOfTheTokenAndNoPrefixMismatch()
    {
        var exchange = new HttpExchange(EventRecorder.Flow(443), "HTTP/1.1", 0);
        exchange.RequestHeaders.Add(new HttpHeader("authorization", "Bearer  " + Jwt + " "));
        var credential = CredentialReader.Read(exchange)!;
        Assert.Equal("jwt", credential.Kind);
        Assert.Equal("eyJ", credential.FormatPrefix);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Jwt))), credential.Sha256Hex);
    }

    [Fact]
    public void Read_AllocatesOnlyTheResult()
    {
        var exchange = new HttpExchange(EventRecorder.Flow(443), "HTTP/1.1", 0);
        exchange.RequestHeaders.Add(new HttpHeader("authorization", "Bearer " + Jwt));
        var allocated = Allocation.Measure(() => GC.KeepAlive(CredentialReader.Read(exchange)));

        // The CredentialInfo and its 64-character hex hash (~350 B alone; 424 B when the whole suite has run before it,
        // the runtime's own bookkeeping on this thread); splitting and decoding the token used to add ~1 KB.
        Assert.True(allocated < 512, $"{allocated} bytes");
    }

    [Theory]
    [InlineData("x-api-key", "sk-ant-api03-made-up-for-this-test", "sk-ant-api03-made-up-for-this-test")]
    [InlineData("authorization", "Bearer  sk-proj-made-up ", "sk-proj-made-up")]
    [InlineData("x-goog-api-key", " AIzaMadeUpForThisTest ", "AIzaMadeUpForThisTest")]
    [InlineData("cookie", "a=1; sessionKey=sk-ant-sid01-made-up; b=2", "sk-ant-sid01-made-up")]
    [InlineData("authorization", "Bearer caf\u00e9-\u4e2d-token", "caf\u00e9-\u4e2d-token")] // non-ASCII: hashed as UTF-8
    public void Read_DigestWorkedOutOnFirstRead_IsTheSha256OfTheTokenAsUtf8_AndStaysTheSame(string header, string value, string token)
    {
        var exchange = new HttpExchange(EventRecorder.Flow(443), "HTTP/1.1", 0);
        exchange.RequestHeaders.Add(new HttpHeader(header, value));
        var credential = CredentialReader.Read(exchange)!;
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(token)));

        Assert.Equal(expected, credential.Sha256Hex);
        Assert.Equal(expected, credential.Sha256Hex);
        Assert.Equal(new CredentialInfo(credential.Kind, credential.Location, credential.FormatPrefix, expected), credential);
        Assert.DoesNotContain(token, credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WithAUrlKey_HashesTheUnescapedKey()
    {
        var exchange = new HttpExchange(EventRecorder.Flow(443), "HTTP/1.1", 0) { Target = "/v1beta/models/m:generateContent?alt=sse&key=AIza%2DmadeUp" };
        var credential = CredentialReader.Read(exchange)!;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("AIza-madeUp"u8)), credential.Sha256Hex);
    }
}
