using System.Text;
using System.Text.Json;
using Sensor.Detectors.Engine;
using Sensor.Detectors.Validators;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Detectors;

/// <summary>Each validator with known-good and known-bad vectors, and through the engine where it decides a finding.</summary>
public class ValidatorTests
{
    [Theory]
    [InlineData("79927398713", true)] // the textbook Luhn example
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("0", true)]
    [InlineData("12a4", false)]
    public void Luhn_Vectors(string digits, bool valid) => Assert.Equal(valid, Luhn.IsValid(digits));

    [Theory]
    [InlineData("4111111111111111", "visa")]
    [InlineData("5555555555554444", "mastercard")]
    [InlineData("2223000048400011", "mastercard")]
    [InlineData("371449635398431", "amex")]
    [InlineData("6011000400000000", "discover")]
    [InlineData("30569309025904", "diners")]
    [InlineData("3528000700000000", "jcb")]
    [InlineData("122000000000003", "uatp")]
    [InlineData("1748503543012", null)] // Luhn-valid, 13 digits starting with 1: no brand
    [InlineData("9999999999999995", null)]
    public void CardBrand_Vectors(string digits, string? brand) => Assert.Equal(brand, PaymentCardBrand.Of(digits));

    [Fact]
    public void GitHubChecksum_HoldsForEveryCatalogToken_AndFailsWhenOneCharacterChanges()
    {
        using var catalog = JsonDocument.Parse(File.ReadAllText(SharedInputs.Pcap("catalog.json")));
        var tokens = catalog.RootElement.GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("value").GetString()!)
            .Where(v => v.StartsWith("ghp_", StringComparison.Ordinal) || v.StartsWith("gho_", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, tokens.Count);
        Assert.All(tokens, t => Assert.True(GitHubChecksum.IsValid(t), "a catalog GitHub token failed its checksum"));
        Assert.All(tokens, t => Assert.False(GitHubChecksum.IsValid(t[..10] + (t[10] == 'Q' ? 'R' : 'Q') + t[11..]), "a changed token passed its checksum"));
        Assert.False(GitHubChecksum.IsValid("ghp_" + new string('x', 36)));
        Assert.False(GitHubChecksum.IsValid("ghp_short"));
    }

    [Fact]
    public void Crc32_IsIeee() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8)); // the CRC-32 check value

    [Theory]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("FR1420041010050500013M02606", true)]
    [InlineData("GB82WEST12345698765433", false)]
    [InlineData("GB82WEST1234569876543", false)] // one short of GB's 22
    [InlineData("ZZ82WEST12345698765432", false)] // no such country
    public void Iban_Vectors(string iban, bool valid) => Assert.Equal(valid, Iban.IsValid(iban));

    [Fact]
    public void Iban_IsFoundCompactOrGroupedByFour_NotWhenGluedToLetters()
    {
        Assert.Equal(["iban"], DetectorFixture.Matches("pay to GB82 WEST 1234 5698 7654 32 today").Select(m => m.Type));
        Assert.Equal(["iban"], DetectorFixture.Matches("{\"iban\":\"DE89370400440532013000\"}").Select(m => m.Type));
        Assert.Empty(DetectorFixture.Matches("XGB82WEST12345698765432"));
    }

    [Theory]
    [InlineData(167, 13, 1140, true)]
    [InlineData(0, 12, 3456, false)]
    [InlineData(666, 12, 3456, false)]
    [InlineData(900, 12, 3456, false)]
    [InlineData(123, 0, 4567, false)]
    [InlineData(123, 45, 0, false)]
    [InlineData(78, 5, 1120, false)] // the Woolworth wallet card
    public void Ssn_Ranges(int area, int group, int serial, bool valid) => Assert.Equal(valid, UsSsn.IsValid(area, group, serial));

    [Theory]
    [InlineData("my SSN is 167-13-1140.", 1)]
    [InlineData("my SSN is 167 13 1140", 1)]
    [InlineData("my SSN is 666-13-1140", 0)]
    [InlineData("my SSN is 167-13-1140-2", 0)] // a longer dashed number (a part number)
    [InlineData("id 167131140", 0)] // bare nine digits: too ambiguous, not reported
    [InlineData("version 1.167-13-1140", 0)]
    public void Ssn_InText(string text, int count) => Assert.Equal(count, DetectorFixture.Matches(text).Count(m => m.Type == "us_ssn"));

    [Fact]
    public void Cards_NotInJsonFloatsOrIdentifiers()
    {
        Assert.Empty(DetectorFixture.Matches("{\"logprob\":-0.4111111111111111,\"id\":\"msg_4111111111111111\"}"));
        Assert.Single(DetectorFixture.Matches("{\"card\":\"4111 1111 1111 1111\"}"));
    }

    [Fact]
    public void AwsSecret_IsPairedWithANearbyKeyId_NotAlone()
    {
        const string Secret = "k7Hd9/Qw2+Zx4Rt6Yp8Uv1Bn3Mc5Lj0Gf2Sa4Dq6";
        Assert.Equal(["aws_access_key_id", "aws_secret_access_key"], DetectorFixture.Matches($"key AKIA2E3R4T5Y6U7I2O3P and then {Secret} ok").Select(m => m.Type).Order());
        Assert.Empty(DetectorFixture.Matches($"just a blob {Secret} here"));
        Assert.Empty(DetectorFixture.Matches("key AKIAIOSFODNN7EXAMPLE")); // AWS's documentation key
    }

    [Fact]
    public void Jwt_NeedsAHeaderThatDecodesToJsonWithAlg()
    {
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"sub\":\"1234567890\",\"name\":\"x\"}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.True(JwtHeader.IsPlausible($"{header}.{payload}.c2lnbmF0dXJl"));
        Assert.False(JwtHeader.IsPlausible($"eyJub3RoaW5nIjoxfQ.{payload}.sig")); // {"nothing":1}
        Assert.Equal(["jwt"], DetectorFixture.Matches($"token {header}.{payload}.c2lnbmF0dXJlc2lnbmF0dXJl end").Select(m => m.Type));
    }

    [Theory]
    [InlineData("{\"a\":\"line1\\nline2\"}", "{\"a\":\"line1\nline2\"}")]
    [InlineData("\\u002B\\u00e9\\/\\\\\\\"", "+é/\\\"")]
    [InlineData("\\ud83d\\ude00", "😀")]
    [InlineData("\\ud83d alone", "\\ud83d alone")] // a lone surrogate stays as written
    [InlineData("broken \\x and \\u12", "broken \\x and \\u12")]
    [InlineData("trailing \\", "trailing \\")]
    public void JsonUnescaper_Vectors(string input, string expected)
    {
        var source = Encoding.UTF8.GetBytes(input);
        var destination = new byte[source.Length];
        var n = JsonUnescaper.Unescape(source, destination);
        Assert.Equal(expected, Encoding.UTF8.GetString(destination, 0, n));
    }

    [Theory]
    [InlineData("", 0.0)]
    [InlineData("aaaa", 0.0)]
    [InlineData("abab", 1.0)]
    [InlineData("abcd", 2.0)]
    public void Entropy_Vectors(string value, double bits) => Assert.Equal(bits, Entropy.Shannon(value), 6);

    [Fact]
    public void Entropy_IsBitForBitTheFullTableSum()
    {
        // Thresholds compare against it: the sum over present characters must round exactly as the sum over all 256 did.
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var value = new string([.. Enumerable.Range(0, random.Next(1, 300)).Select(_ => (char)(random.Next(4) == 0 ? random.Next(0, 0x180) : random.Next('0', 'z')))]);
            var counts = new int[256];
            foreach (var c in value)
            {
                counts[c & 0xFF]++;
            }

            double expected = 0;
            foreach (var count in counts)
            {
                if (count > 0)
                {
                    var p = count / (double)value.Length;
                    expected -= p * Math.Log2(p);
                }
            }

            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(Entropy.Shannon(value)));
        }
    }

    [Theory]
    [InlineData("postgres://svc:Xk9vQ2mL7pR4@db.internal:5432/app", true)]
    [InlineData("postgres://svc:${DB_PASSWORD}@db.internal/app", false)]
    [InlineData("mysql://root:****@localhost/app", false)]
    [InlineData("postgres://svc@db.internal/app", false)]
    public void ConnectionStringPassword_Vectors(string url, bool real) => Assert.Equal(real, UrlPassword.HasRealPassword(url));
}
