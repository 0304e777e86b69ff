using System.Text;
using Sensor.Detectors.Findings;
using Sensor.Detectors.Rules;

namespace Sensor.Tests.Detectors;

/// <summary>The fingerprint key file: generated once with mode 0600, atomically, then reused; fingerprints are keyed.</summary>
public sealed class FingerprintKeyTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"sensor-key-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void MissingKey_IsCreatedWithMode0600_InA0700Directory_AndReusedAfterwards()
    {
        var path = Path.Combine(_directory, "state", "fingerprint.key");
        var first = FingerprintKey.LoadOrCreate(path, out var error);
        Assert.Null(error);
        Assert.Equal(32, first!.Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }

        Assert.Equal(first, FingerprintKey.LoadOrCreate(path, out _));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind
    }

    [Fact]
    public void ConcurrentCreation_AgreesOnOneKey()
    {
        // Several rounds: one round seldom lets two creators overlap (a rename "without overwrite" let both win).
        for (var round = 0; round < 20; round++)
        {
            var path = Path.Combine(_directory, $"fingerprint-{round}.key");
            var keys = new byte[8][];
            Parallel.For(0, keys.Length, i => keys[i] = FingerprintKey.LoadOrCreate(path, out _)!);
            Assert.All(keys, k => Assert.Equal(keys[0], k));
        }

        Assert.Equal(20, Directory.GetFiles(_directory).Length); // no temporary or lock file left behind
    }

    [Fact]
    public void AShortKeyFile_IsRefused()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "short.key");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Null(FingerprintKey.LoadOrCreate(path, out var error));
        Assert.Contains("at least 16 bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprints_DependOnTheKey_AndCardsOnTheirDigitsOnly()
    {
        var a = new FindingFormatter(Encoding.ASCII.GetBytes("key-a-0123456789abcdef"));
        var b = new FindingFormatter(Encoding.ASCII.GetBytes("key-b-0123456789abcdef"));
        var rule = DetectorFixture.Pack.Rules.First(r => r.Type == "github_pat");
        Assert.NotEqual(a.Fingerprint(rule, "value"), b.Fingerprint(rule, "value"));
        var card = DetectorFixture.Pack.PaymentCard!;
        Assert.Equal(a.Fingerprint(card, "4111111111111111"), a.Fingerprint(card, "4111 1111-1111 1111"));
        Span<byte> mac = stackalloc byte[Sensor.Core.Security.SecretRedaction.FingerprintMacBytes];
        a.FingerprintMac(card, "4111 1111-1111 1111", mac);
        Assert.Equal(a.Fingerprint(card, "4111111111111111"), FindingFormatter.FingerprintText(mac));
        Assert.Equal("ghp_…(40)", FindingFormatter.Redact(rule, "ghp_" + new string('y', 36)));
        Assert.Equal("…(40)", FindingFormatter.Redact(rule, new string('y', 40))); // a value not starting with the format prefix shows nothing
    }

    [Theory]
    [InlineData(3)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(200)]
    [InlineData(1025)]
    [InlineData(5000)]
    public void Fingerprint_IsHmacSha256OfTheLatin1Bytes_WithOrWithoutAPreparedKey(int length)
    {
        var key = Encoding.ASCII.GetBytes("another-test-key-0123456789abcdef");
        var value = new string([.. Enumerable.Range(0, length).Select(i => (char)(0x21 + ((i * 7) % 0xDE)))]);
        var expected = "hmac-sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.Latin1.GetBytes(value)));
        Assert.Equal(expected, Sensor.Core.Security.SecretRedaction.Fingerprint(key, value));
        var keyed = Sensor.Core.Security.SecretRedaction.FingerprintKey(key);
        Assert.Equal(expected, Sensor.Core.Security.SecretRedaction.Fingerprint(keyed, value));
        Assert.Equal(expected, new FindingFormatter(key).Fingerprint(null, value));

        // The MAC the inspector dedupes on is the one the text spells.
        Span<byte> mac = stackalloc byte[Sensor.Core.Security.SecretRedaction.FingerprintMacBytes];
        new FindingFormatter(key).FingerprintMac(null, value, mac);
        Assert.Equal(expected, FindingFormatter.FingerprintText(mac));
        Sensor.Core.Security.SecretRedaction.FingerprintMac(keyed, value, mac);
        Assert.Equal(expected, Sensor.Core.Security.SecretRedaction.FingerprintText(mac));
    }

    [Fact]
    public void SecretAndThreatDetectors_GiveOneValueOneFingerprint()
    {
        var key = new byte[32];
        new Random(3).NextBytes(key);
        const string value = "ghp_notARealTokenJustTheSameValueTwice0000";
        var secretSide = new Sensor.Detectors.Findings.FindingFormatter(key).Fingerprint(null, value);
        Assert.Equal(Sensor.Core.Security.SecretRedaction.Fingerprint(key, value), secretSide);
        Assert.NotEqual(secretSide, Sensor.Core.Security.SecretRedaction.Fingerprint(key, value + "1"));
    }
}
