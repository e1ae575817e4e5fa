using Kubetrace.Analysis;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using static Kubetrace.Kubernetes.Analyses.AnalysisFormat;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// <c>webhooks</c>: per admission webhook (configuration and name), its calls, added latency (p50/p99 of the
/// <c>Call mutating/validating webhook</c> span), error and timeout rates (<see cref="WebhookOutcome"/>), what it
/// intercepts, and its share of the apiserver's p99: of the time apiserver requests at or above the p99 took, the
/// part that was this webhook's exclusive time (<see cref="ExclusiveTimeSweep"/>). Worst first: webhooks failing
/// at least 1% of their calls (a failure rejects or degrades a request), then by share of the p99, then by p99.
/// </summary>
public sealed class WebhookLatencyAnalysis
{
    /// <summary>A failure rate from which a webhook ranks above every slow-but-working one.</summary>
    public const double FailingRate = 0.01;

    private readonly ApiserverRequestWalker _walker;
    private readonly Dictionary<int, Webhook> _webhooks = [];
    private readonly LatencySketch _apiserver = new();
    // Per apiserver latency bucket (LatencySketch.BucketOf): total request time and count, to read the p99 tail afterwards.
    private readonly Dictionary<int, (double Time, long Count)> _requestsByBucket = [];

    public WebhookLatencyAnalysis(TimeRange range) => _walker = new ApiserverRequestWalker(range);

    public static AnalysisDefinition Definition { get; } = new("webhooks",
        "Admission webhooks: calls, added latency, errors and timeouts, what they intercept, and their share of the apiserver's p99",
        RunAsync);

    public SpanScanRequest ScanRequest => _walker.Attributes.Request;

    public static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var analysis = new WebhookLatencyAnalysis(request.Range);
        await request.Store.ScanAsync(analysis.ScanRequest, analysis.Add, cancellationToken);
        var report = analysis.Report();
        return new AnalysisResult(report, Table(report));
    }

    public void Add(ScannedTrace trace) => _walker.Walk(trace, Add);

    private void Add(ApiserverRequest request)
    {
        foreach (var call in request.Webhooks)
        {
            if (!_webhooks.TryGetValue(call.Phase, out var webhook))
                _webhooks.Add(call.Phase, webhook = new Webhook(call.Configuration, call.Name));
            webhook.Record(call);
        }
        if (request.IsLongRunning) return;
        _apiserver.Record(request.DurationNanos);
        var bucket = LatencySketch.BucketOf(request.DurationNanos);
        _requestsByBucket[bucket] = _requestsByBucket.TryGetValue(bucket, out var seen)
            ? (seen.Time + request.DurationNanos, seen.Count + 1) : (request.DurationNanos, 1);
        for (var phase = ApiserverPhase.FirstWebhook; phase < request.PhaseTime.Length; phase++)
            if (request.PhaseTime[phase] > 0 && _webhooks.TryGetValue(phase, out var webhook))
                webhook.TimeByRequestBucket[bucket] = webhook.TimeByRequestBucket.GetValueOrDefault(bucket) + request.PhaseTime[phase];
    }

    public WebhookLatencyReport Report()
    {
        var p99Bucket = _apiserver.BucketAtPercentile(0.99);
        double tailTime = 0;
        long tailCount = 0;
        foreach (var (bucket, (time, count)) in _requestsByBucket)
            if (bucket >= p99Bucket) { tailTime += time; tailCount += count; }
        var webhooks = _webhooks.Values.Select(w =>
        {
            var inTail = w.TimeByRequestBucket.Where(b => b.Key >= p99Bucket).Sum(b => b.Value);
            return w.Describe(tailTime == 0 ? 0 : Fraction(inTail / tailTime), tailCount == 0 ? 0 : Ms(inTail / tailCount));
        })
            .OrderByDescending(w => w.ErrorRate >= FailingRate).ThenByDescending(w => w.ShareOfApiserverP99).ThenByDescending(w => w.P99Ms)
            .ThenBy(w => w.Configuration, StringComparer.Ordinal).ThenBy(w => w.Name, StringComparer.Ordinal)
            .ToList();
        return new WebhookLatencyReport(webhooks.Sum(w => w.Calls), Ms(_apiserver.Percentile(0.99)), tailCount,
            $"failing (error rate ≥ {FailingRate:P0}) first, then share of apiserver p99, then p99", webhooks);
    }

    public static AnalysisTable Table(WebhookLatencyReport report)
    {
        var rows = report.Webhooks.Select(w => (IReadOnlyList<string>)
        [
            w.Configuration, w.Name, w.Type, Count(w.Calls), Duration(w.P50Ms * 1e6), Duration(w.P99Ms * 1e6),
            Percent(w.ErrorRate), Percent(w.TimeoutRate),
            string.Join(", ", w.Intercepts.Take(3).Select(i => $"{i.Resource} {i.Operation}")) + (w.Intercepts.Count > 3 ? ", …" : ""),
            Percent(w.ShareOfApiserverP99), Duration(w.MeanAddedAtApiserverP99Ms * 1e6),
        ]).ToList();
        var notes = new List<string>
        {
            $"{Count(report.Calls)} webhook calls. Worst first: {report.SortedBy}.",
            "Added latency: the Call mutating/validating webhook span. Errors: the call or its HTTP POST failed (4xx/5xx included); timeouts: the failure says deadline/timeout, or lasted the timeout in the webhook URL. Errors include timeouts.",
            $"p99 share: of the time of the {Count(report.ApiserverP99Requests)} apiserver requests at or above the apiserver p99 ({Duration(report.ApiserverP99Ms * 1e6)}), the webhook's exclusive part; 'at p99' is its mean time per such request.",
            PercentileNote,
        };
        return new AnalysisTable("Admission webhooks, worst first",
            ["Configuration", "Webhook", "Type", "Calls", "p50", "p99", "Errors", "Timeouts", "Intercepts", "p99 share", "At p99"], rows)
        { Notes = notes };
    }

    private sealed class Webhook(string configuration, string name)
    {
        private readonly LatencySketch _latency = new();
        private readonly Dictionary<(string Resource, string Operation), long> _intercepts = [];
        private long _errors;
        private long _timeouts;
        private bool _mutating;
        private bool _validating;

        /// <summary>The webhook's exclusive time in apiserver requests, by the request's latency bucket.</summary>
        public readonly Dictionary<int, double> TimeByRequestBucket = [];

        public void Record(WebhookCall call)
        {
            _latency.Record(call.DurationNanos);
            if (call.Failed) _errors++;
            if (call.TimedOut) _timeouts++;
            if (call.Mutating) _mutating = true;
            else _validating = true;
            _intercepts[(call.Resource, call.Operation)] = _intercepts.GetValueOrDefault((call.Resource, call.Operation)) + 1;
        }

        public WebhookLatency Describe(double shareOfP99, double meanAtP99Ms)
        {
            var calls = _latency.Count;
            return new WebhookLatency(configuration, name,
                _mutating && _validating ? "mutating+validating" : _mutating ? "mutating" : "validating",
                calls, Ms(_latency.Percentile(0.5)), Ms(_latency.Percentile(0.99)), Ms(_latency.Mean), _errors, _timeouts,
                Fraction((double)_errors / calls), Fraction((double)_timeouts / calls),
                _intercepts.OrderByDescending(i => i.Value).ThenBy(i => i.Key.Resource, StringComparer.Ordinal)
                    .Select(i => new WebhookIntercept(i.Key.Resource, i.Key.Operation, i.Value)).ToList(),
                shareOfP99, meanAtP99Ms);
        }
    }
}
