using Google.Protobuf;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Pipeline;
using Kubetrace.Query;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The failing and slow webhooks over an hour at 50 requests/s, sampled as a cluster configured with
/// <c>samplingRatePerMillion</c> 100 (1 in 10,000) or 10,000 (1 in 100) samples them: the webhooks analysis scales
/// its counts back to within statistical bounds of what was planted (the simulation report counts all traffic) and
/// says when its sample is too small to support a claim.
/// </summary>
public sealed class LowSamplingRateScenarioTests
{
    private static async Task<(WebhookLatencyReport Report, AnalysisTable Table, SimulationReport Planted)> AnalyseAsync(int ratePerMillion)
    {
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            Scenarios = SimulationScenario.FailingWebhook | SimulationScenario.SlowWebhook, SamplingRatePerMillion = ratePerMillion,
            RequestsPerSecond = 50, Duration = TimeSpan.FromHours(1), Seed = 5,
            // A fixed window: the trace IDs (and so which requests the sampler keeps) are keyed by seed and start.
            Start = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero),
        });
        await using var store = new TempStore();
        foreach (var batch in simulator.Batches())
            await store.Store.AppendAsync(TraceBatch.FromEncoded(batch.Request.ToByteArray(), batch.SpanCount), CancellationToken.None);
        var request = new AnalysisRequest(new QueryEngine(store.Store), TimeRange.All, new Dictionary<string, string>())
        {
            Sampling = SamplingRates.Unknown.With([$"{ratePerMillion}"]),
        };
        var result = await WebhookLatencyAnalysis.Definition.RunAsync(request, CancellationToken.None);
        return ((WebhookLatencyReport)result.Data, result.Table, simulator.Report);
    }

    /// <summary>Whether an estimate of <paramref name="planted"/> events sampled at 1 in <paramref name="weight"/> lies within 5 standard deviations.</summary>
    private static void AssertWithinBounds(long planted, double estimated, double weight, string what)
    {
        var p = 1 / weight;
        var sd = Math.Sqrt(planted * p * (1 - p)) * weight;
        Assert.True(Math.Abs(estimated - planted) <= 5 * sd + weight, $"{what}: estimated {estimated}, planted {planted} (sd {sd:0})");
    }

    [Fact]
    public async Task At_1_in_100_the_webhook_counts_scale_to_the_planted_traffic_and_the_failing_rate_is_bounded()
    {
        var (report, _, planted) = await AnalyseAsync(10_000);

        var failing = report.Webhooks.Single(w => w.Name == planted.FailingWebhook!.Webhook);
        AssertWithinBounds(planted.FailingWebhook!.Calls, failing.Sample.Estimated!.Value, 100, "failing webhook calls");
        AssertWithinBounds(planted.FailingWebhook.FailedCalls, failing.Sample.EstimatedErrors!.Value, 100, "failing webhook errors");
        var trueRate = (double)planted.FailingWebhook.FailedCalls / planted.FailingWebhook.Calls;
        Assert.InRange(trueRate, failing.Sample.ErrorRate!.Low, failing.Sample.ErrorRate.High);
        var slow = report.Webhooks.Single(w => w.Name == planted.SlowWebhook!.Webhook);
        AssertWithinBounds(planted.SlowWebhook!.Calls, slow.Sample.Estimated!.Value, 100, "slow webhook calls");
        Assert.Contains("⇒ ≈", report.Sampling.Notes[0]);
    }

    [Fact]
    public async Task At_1_in_10000_an_hour_keeps_a_handful_of_requests_and_the_answer_says_its_sample_is_too_small()
    {
        var (report, table, planted) = await AnalyseAsync(100);

        Assert.InRange(report.Sampling.Traces, 1, 60); // ≈ 18 requests of 180,000
        // A webhook no sampled request called is estimated at 0 calls: still within the bounds of 1 in 10,000.
        AssertWithinBounds(planted.SlowWebhook!.Calls, Estimated(report, planted.SlowWebhook.Webhook), 10_000, "slow webhook calls");
        AssertWithinBounds(planted.FailingWebhook!.Calls, Estimated(report, planted.FailingWebhook.Webhook), 10_000, "failing webhook calls");
        Assert.All(report.Webhooks, w => Assert.True(w.Sample.Small, $"{w.Name}: {w.Calls} sampled calls cannot bound a p99"));
        Assert.All(table.Rows, row => Assert.StartsWith("≥", row[5])); // p99: at least this, no upper bound
        Assert.Contains(table.Rows, row => row[6].Contains('–')); // an error rate with its wide interval, not a bare 0%
        Assert.StartsWith("Small samples in", report.Sampling.Notes[1]);
    }

    private static double Estimated(WebhookLatencyReport report, string webhook) =>
        report.Webhooks.SingleOrDefault(w => w.Name == webhook)?.Sample.Estimated ?? 0;
}
