using Sensor.Core.Payloads;
using Sensor.Host.Commands;
using Sensor.Tenancy.Features;
using Sensor.Tenancy.Model;
using Sensor.Tenancy.Sessions;
using Sensor.Tests.TestSupport;
using static Sensor.Tests.Tenancy.TenancyTestData;

namespace Sensor.Tests.Tenancy;

/// <summary>The model loop: metrics, the split by capture, train and eval commands, and the model's place after explicit evidence.</summary>
public sealed class TenantModelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tenancy-model-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Metrics_AreComputedFromTheScores()
    {
        // Personal scores 0.9, 0.6, 0.3; enterprise 0.7, 0.2. At 0.5: TP 2, FN 1, FP 1, TN 1.
        var metrics = BinaryMetrics.Compute([(0.9, true), (0.6, true), (0.3, true), (0.7, false), (0.2, false)], 0.5);

        Assert.Equal((2, 1, 1, 1), (metrics.TruePositives, metrics.FalsePositives, metrics.TrueNegatives, metrics.FalseNegatives));
        Assert.Equal(2.0 / 3, metrics.Precision, 10);
        Assert.Equal(2.0 / 3, metrics.Recall, 10);
        Assert.Equal(2.0 / 3, metrics.F1, 10);
        Assert.Equal(4.0 / 6, metrics.Auc, 10); // pairs won: 0.9>both, 0.6>0.2, 0.3>0.2
        Assert.Equal([(1.0 / 3, 1.0), (1.0 / 3, 0.5), (2.0 / 3, 2.0 / 3), (1.0, 0.75), (1.0, 0.6)], metrics.PrCurve.Select(p => (p.Recall, p.Precision)));
        Assert.True(double.IsNaN(BinaryMetrics.Compute([(0.4, false)], 0.5).Auc)); // one class: undefined, not 0 or 1
    }

    [Fact]
    public void Split_KeepsEachCaptureOnOneSide()
    {
        var rows = Rows(seed: 1);

        var (train, heldOut, held) = TenantTrainer.SplitByCapture(rows, 0.3);

        Assert.Equal(2, held.Count); // 30% of 6 captures
        Assert.Empty(train.Select(r => r.Capture).Intersect(heldOut.Select(r => r.Capture)));
        Assert.Equal(rows.Count, train.Count + heldOut.Count);
    }

    [Fact]
    public void TrainedModel_BeatsAModelTrainedOnFlippedLabels_OnHeldOutCaptures()
    {
        var rows = Rows(seed: 2);
        var (train, heldOut, _) = TenantTrainer.SplitByCapture(rows, 0.3);
        var good = TenantTrainer.Train(train, Path.Combine(_directory, "good.zip"));
        var flipped = train.Select(r => Copy(r, label: !r.Label)).ToList();
        var bad = TenantTrainer.Train(flipped, Path.Combine(_directory, "bad.zip"));

        var goodMetrics = BinaryMetrics.Compute([.. heldOut.Select(r => (good.ProbabilityPersonal(r), r.Label))], 0.5);
        var badMetrics = BinaryMetrics.Compute([.. heldOut.Select(r => (bad.ProbabilityPersonal(r), r.Label))], 0.5);

        Assert.True(goodMetrics.Auc > 0.8, $"good AUC {goodMetrics.Auc}");
        Assert.True(badMetrics.Auc < goodMetrics.Auc, $"bad AUC {badMetrics.Auc} vs good {goodMetrics.Auc}");
        Assert.True(badMetrics.F1 is double.NaN || badMetrics.F1 < goodMetrics.F1);
    }

    [Fact]
    public void TrainAndEvalCommands_PrintTheMetrics_AndWriteTheReport()
    {
        var data = Path.Combine(_directory, "rows.jsonl");
        FeatureRowFile.WriteAll(data, Rows(seed: 3));
        var model = Path.Combine(_directory, "model.zip");
        using var trainOut = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, TrainCommand.Run(["--data", data, "--out", model, "--holdout", "0.34"], trainOut, error));
        using var evalOut = new StringWriter();
        var report = Path.Combine(_directory, "report.html");
        Assert.Equal(0, EvalCommand.Run(["--model", model, "--data", data, "--report", report], evalOut, error));

        Assert.Contains("holding out", trainOut.ToString(), StringComparison.Ordinal);
        var text = evalOut.ToString();
        Assert.Matches(@"left out \d+ row\(s\) of captures the model was trained on", text);
        foreach (var metric in new[] { "precision", "recall", "f1", "auc" })
        {
            Assert.Matches($@"(?m)^{metric}: (\d\.\d{{4}}|undefined)$", text);
        }

        Assert.Matches(@"(?m)^  personal\s+\d+\s+\d+$", text);
        Assert.Matches(@"(?m)^  enterprise\s+\d+\s+\d+$", text);
        var html = File.ReadAllText(report);
        var precision = System.Text.RegularExpressions.Regex.Match(text, @"(?m)^precision: (\S+)$").Groups[1].Value;
        Assert.Contains("<th>precision</th><td>" + precision + "</td>", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("<polyline", html, StringComparison.Ordinal);
        Assert.Equal(0, error.ToString().Length);
    }

    [Fact]
    public void Eval_OfAFlippedModel_PrintsWorseFiguresThanTheModel()
    {
        var rows = Rows(seed: 4);
        var (train, heldOut, _) = TenantTrainer.SplitByCapture(rows, 0.34);
        var data = Path.Combine(_directory, "heldout.jsonl");
        FeatureRowFile.WriteAll(data, heldOut);
        TenantTrainer.Train(train, Path.Combine(_directory, "good.zip"));
        TenantTrainer.Train([.. train.Select(r => Copy(r, label: !r.Label))], Path.Combine(_directory, "bad.zip"));

        var good = Auc(EvalText("good.zip", data));
        var bad = Auc(EvalText("bad.zip", data));

        Assert.True(good > bad, $"{good} vs {bad}");
    }

    [Fact]
    public void Model_DecidesOnlyWhenNoExplicitEvidenceDoes()
    {
        var rows = Rows(seed: 5);
        var model = TenantTrainer.Train(rows, Path.Combine(_directory, "m.zip"));
        var attribution = new TenantAttribution(Policy with { Credentials = new Dictionary<string, string>() }, model);
        var events = new EventRecorder();
        IHttpObserver observer = attribution;

        // A subscription login with nothing else: the model's call.
        var flow = Flow(1);
        var guessed = Exchange(flow, "api.anthropic.com");
        guessed.Credential = Credential("sk-ant-oat01-made-up", "oauth_subscription", "request-header:authorization");
        guessed.RequestHeaders.Add(new HttpHeader("user-agent", "claude-cli/2.1.39 (external, cli)"));
        observer.OnRequestHeaders(guessed);
        observer.OnResponseComplete(guessed, true);
        var byModel = attribution.Decide(Facts(flow, "anthropic", "api", "api.anthropic.com"), events);

        // The same, but the response names the enterprise org: explicit evidence wins.
        var flow2 = Flow(2);
        var stated = Exchange(flow2, "api.anthropic.com");
        stated.Credential = guessed.Credential;
        stated.Evidence.Add(new TenantEvidence("anthropic", "response-header:anthropic-organization-id", "org_id", AnthropicOrg));
        observer.OnResponseComplete(stated, true);
        var explicitly = attribution.Decide(Facts(flow2, "anthropic", "api", "api.anthropic.com"), events);

        Assert.Equal(["ml"], byModel.Verdict.Basis);
        Assert.Equal("personal", byModel.Verdict.Tenant);
        Assert.InRange(byModel.Verdict.Confidence!.Value, 0.5, 1.0);
        Assert.Equal(("enterprise", 1.0), (explicitly.Verdict.Tenant, explicitly.Verdict.Confidence));
        Assert.Equal("low", events.Of<Sensor.Core.Events.FindingEvent>().Single(f => f.Type == "personal_tenant_ai_use").Severity);
    }

    [Theory]
    [InlineData("rows.jsonl")]
    [InlineData("rows.csv")]
    public void FeatureRows_RoundTrip(string name)
    {
        var rows = Rows(seed: 6).Take(5).ToList();
        rows[0].Host = "a,\"quoted\" host";
        var path = Path.Combine(_directory, name);

        FeatureRowFile.WriteAll(path, rows);
        var read = FeatureRowFile.Read(path, [])!;

        // Numbers are written with 5 decimals.
        Assert.Equal(
            rows.Select(r => (r.Capture, r.Host, r.KeyKind, r.LabelTenant, r.Label, Math.Round(r.LogBytesToServer, 4))),
            read.Select(r => (r.Capture, r.Host, r.KeyKind, r.LabelTenant, r.Label, Math.Round(r.LogBytesToServer, 4))));
    }

    private static double Auc(string evalText) =>
        double.Parse(System.Text.RegularExpressions.Regex.Match(evalText, @"(?m)^auc: (\S+)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private string EvalText(string model, string data)
    {
        using var output = new StringWriter();
        Assert.Equal(0, EvalCommand.Run(["--model", Path.Combine(_directory, model), "--data", data, "--include-trained", "--report", Path.Combine(_directory, model + ".html")], output, TextWriter.Null));
        return output.ToString();
    }

    /// <summary>
    /// Six captures of 12 sessions; personal sessions mostly use a subscription key and a consumer client, enterprise
    /// ones an API key from an SDK, with 10% of rows given the other class's key kind so the task is not trivial.
    /// </summary>
    private static List<TenantFeatures> Rows(int seed)
    {
        var random = new Random(seed);
        var rows = new List<TenantFeatures>();
        for (var capture = 0; capture < 6; capture++)
        {
            for (var i = 0; i < 12; i++)
            {
                var personal = i % 3 == 0;
                var noisy = random.NextDouble() < 0.1;
                rows.Add(new TenantFeatures
                {
                    Capture = "capture-" + capture,
                    FlowId = capture * 100 + i,
                    FiveTuple = $"tcp 127.0.0.1:{40000 + capture * 100 + i} -> 127.10.1.33:443",
                    Vendor = "anthropic",
                    Service = "api",
                    ServiceKind = "ai-api",
                    KeyKind = personal ^ noisy ? "anthropic_subscription" : "anthropic_api_key",
                    ClientApp = personal ? "claude-cli" : random.NextDouble() < 0.5 ? "Anthropic/JS" : "curl",
                    LogBytesToServer = (float)(8 + random.NextDouble()),
                    LogRequests = (float)Math.Log(2 + random.Next(5)),
                    PayloadVisible = 1,
                    LabelTenant = personal ? "personal" : "enterprise",
                    Label = personal,
                });
            }
        }

        return rows;
    }

    private static TenantFeatures Copy(TenantFeatures row, bool label) => new()
    {
        Capture = row.Capture, FlowId = row.FlowId, FiveTuple = row.FiveTuple, Vendor = row.Vendor, Service = row.Service, ServiceKind = row.ServiceKind,
        KeyKind = row.KeyKind, ClientApp = row.ClientApp, LogBytesToServer = row.LogBytesToServer, LogRequests = row.LogRequests, PayloadVisible = row.PayloadVisible,
        LabelTenant = label ? "personal" : "enterprise", Label = label,
    };
}
