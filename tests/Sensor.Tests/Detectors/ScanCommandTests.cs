using System.Text;
using System.Text.Json;
using Sensor.Host.Commands;
using Sensor.Host.Configuration;

namespace Sensor.Tests.Detectors;

/// <summary><c>sensor scan</c>: NDJSON findings, exit code by result, HTTP messages split into URL, headers and body.</summary>
public sealed class ScanCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sensor-scan-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Config(string extra = "")
    {
        var path = Path.Combine(_directory, "sensor.yaml");
        File.WriteAllText(path, $"detectors:\n  hmac_key_file: {Path.Combine(_directory, "fingerprint.key")}\n{extra}");
        return path;
    }

    private (int Code, List<JsonElement> Findings, string Raw) Scan(string input, string extraConfig = "")
    {
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(input));
        var stdout = new MemoryStream();
        var error = new StringWriter();
        var code = ScanCommand.Run(["-", "--config", Config(extraConfig)], error, stdin, stdout);
        var raw = Encoding.UTF8.GetString(stdout.ToArray());
        var findings = raw.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("finding")).ToList();
        return (code, findings, raw);
    }

    [Fact]
    public void NothingFound_Exits0_WithNoOutput()
    {
        var (code, findings, _) = Scan("just some text with a version 1.2.3 and a date 2026-11-24");
        Assert.Equal((0, 0), (code, findings.Count));
    }

    [Fact]
    public void RawHttpRequest_IsSplit_OwnIssuerHeaderSkipped_UrlAndBodyReported_Exits1()
    {
        const string AnthropicKey = "sk-ant-api03-Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_xAA";
        const string GoogleKey = "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW";
        var request = $"POST /v1/messages?key={GoogleKey} HTTP/1.1\r\nHost: api.anthropic.com\r\nx-api-key: {AnthropicKey}\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
            + "f\r\n{\"messages\":\"ma\r\n14\r\nil bob@example.org\"}\r\n0\r\n\r\n";
        var (code, findings, raw) = Scan(request);
        Assert.Equal(1, code);
        Assert.Equal([("google_api_key", "request-url"), ("email", "request-body")], findings.Select(f => (f.GetProperty("type").GetString(), f.GetProperty("location").GetString())));
        Assert.DoesNotContain(GoogleKey, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicKey[13..], raw, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainFile_IsLocatedAsFile()
    {
        var (code, findings, _) = Scan("ssn 167-13-1140");
        Assert.Equal(1, code);
        Assert.Equal(("us_ssn", ScanCommand.FileLocation), (findings.Single().GetProperty("type").GetString(), findings.Single().GetProperty("location").GetString()));
    }

    [Fact]
    public void NoInput_IsAUsageError() => Assert.Equal(2, ScanCommand.Run([], new StringWriter()));

    [Fact]
    public void DetectorsConfigSection_IsRead_AndUnknownKeysAreErrors()
    {
        var path = Config("  extra_rules: [a.json, b.json]\n  classification_labels: CONFIDENTIAL\n  code_names: [Bluebird]\n  corporate_domains: [acmecorp.com]\n  enabled: false\n");
        var errors = new List<ConfigError>();
        var config = ConfigLoader.Load(path, errors);
        Assert.Empty(errors);
        Assert.Equal((false, 2, "CONFIDENTIAL", "Bluebird", "acmecorp.com"), (config!.Detectors.Enabled, config.Detectors.ExtraRules.Count, config.Detectors.ClassificationLabels[0], config.Detectors.CodeNames[0], config.Detectors.CorporateDomains[0]));
        File.AppendAllText(path, "  hmac_keyfile: x\n");
        Assert.Null(ConfigLoader.Load(path, errors = []));
        Assert.Contains(errors, e => e.ToString().Contains("detectors.hmac_keyfile", StringComparison.Ordinal));
    }
}
