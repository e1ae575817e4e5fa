using Kubetrace.Analysis;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;
using static Kubetrace.Analysis.AnalysisText;
using static Kubetrace.Analysis.ReportNumbers;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// <c>webhooks</c>: per admission webhook (configuration and name), its calls, added latency (p50/p99 of the
/// <c>Call mutating/validating webhook</c> span), error and timeout rates (<see cref="WebhookOutcome"/>), what it
/// intercepts, and its share of the apiserver's p99: of the time apiserver requests at or above the p99 took, the
/// part that was this webhook's exclusive time (<see cref="ExclusiveTimeSweep"/>). Worst first: webhooks failing
/// at least 1% of their calls (a failure rejects or degrades a request), then by share of the p99, then by p99.
/// </summary>
/// <remarks>
/// Everything is kept in mergeable form (sketches, counters, time per latency bucket summed as whole
/// nanoseconds), so per-block rollups merged give the report one state over all the traces gives: the p99 tail
/// is read from the merged buckets, never from per-request data.
/// </remarks>
public sealed class WebhookLatencyAnalysis : IRollupState<WebhookLatencyAnalysis>
{
    /// <summary>A failure rate from which a webhook ranks above every slow-but-working one.</summary>
    public const double FailingRate = 0.01;

    private readonly ApiserverRequestWalker _walker;
    private readonly Dictionary<(string Configuration, string Name), Webhook> _webhooks = [];
    private readonly List<Webhook?> _byWalkerPhase = [];
    private readonly LatencySketch _apiserver = new();
    private readonly TraceSampling _sampling = new();
    private readonly SampleTally _all = new();
    // Per apiserver latency bucket (LatencySketch.BucketOf): total request time and count, to read the p99 tail afterwards.
    private readonly Dictionary<int, (long Time, long Count)> _requestsByBucket = [];

    public WebhookLatencyAnalysis(TimeRange range) => _walker = new ApiserverRequestWalker(range);

    /// <summary>The per-block aggregate (<c>webhooks-4</c>: version 3 had no example traces; version 2 read requests per release, watches found by the query, but had no sample tallies).</summary>
    internal static StateRollup<WebhookLatencyAnalysis> Rollup { get; } = new("webhooks-4", () => new WebhookLatencyAnalysis(TimeRange.All));

    public static AnalysisDefinition Definition { get; } = Rollup.Define("webhooks",
        "Admission webhooks: calls, added latency, errors and timeouts, what they intercept, and their share of the apiserver's p99",
        request => new WebhookLatencyAnalysis(request.Range),
        (analysis, request) => Result(analysis.Report(request.Samples)));

    private static AnalysisResult Result(WebhookLatencyReport report) => new(report, Table(report));

    public SpanScanRequest ScanRequest => _walker.Attributes.Request;

    public void Add(ScannedTrace trace)
    {
        _sampling.Begin(trace);
        _walker.Walk(trace, Add);
    }

    private void Add(ApiserverRequest request)
    {
        foreach (var call in request.Webhooks)
        {
            var webhook = WebhookOf(call.Configuration, call.Name);
            while (_byWalkerPhase.Count <= call.Phase) _byWalkerPhase.Add(null);
            _byWalkerPhase[call.Phase] = webhook;
            webhook.Record(call, _sampling, request.Root);
            _all.Record(_sampling, request.Root, call.Failed);
        }
        if (request.IsLongRunning) return;
        _apiserver.Record(request.DurationNanos);
        var bucket = LatencySketch.BucketOf(request.DurationNanos);
        AddRequests(bucket, request.DurationNanos, 1);
        for (var phase = ApiserverPhase.FirstWebhook; phase < request.PhaseTime.Length; phase++)
            if (request.PhaseTime[phase] > 0 && phase < _byWalkerPhase.Count && _byWalkerPhase[phase] is { } webhook)
                webhook.AddTime(bucket, (long)Math.Round(request.PhaseTime[phase]));
    }

    public void Merge(WebhookLatencyAnalysis other)
    {
        _apiserver.Merge(other._apiserver);
        _all.Merge(other._all);
        foreach (var (bucket, (time, count)) in other._requestsByBucket) AddRequests(bucket, time, count);
        foreach (var ((configuration, name), theirs) in other._webhooks) WebhookOf(configuration, name).Merge(theirs);
    }

    void IRollupState<WebhookLatencyAnalysis>.WriteTo(ByteWriter writer)
    {
        _apiserver.WriteTo(writer);
        _all.WriteTo(writer);
        writer.WriteEach(_requestsByBucket, requests =>
        {
            writer.WriteVarint(requests.Key);
            writer.WriteVarint(requests.Value.Time);
            writer.WriteVarint(requests.Value.Count);
        });
        writer.WriteEach(_webhooks.Values, webhook => webhook.WriteTo(writer));
    }

    static WebhookLatencyAnalysis IRollupState<WebhookLatencyAnalysis>.ReadFrom(ByteReader reader)
    {
        var state = new WebhookLatencyAnalysis(TimeRange.All);
        state._apiserver.Merge(LatencySketch.ReadFrom(reader));
        state._all.MergeFrom(reader);
        reader.ReadEach(() => state.AddRequests(reader.ReadInt(), reader.ReadLong(), reader.ReadLong()));
        reader.ReadEach(() => state.WebhookOf(reader.ReadString(), reader.ReadString()).ReadFrom(reader));
        return state;
    }

    private Webhook WebhookOf(string configuration, string name)
    {
        if (!_webhooks.TryGetValue((configuration, name), out var webhook))
            _webhooks.Add((configuration, name), webhook = new Webhook(configuration, name));
        return webhook;
    }

    private void AddRequests(int bucket, long time, long count) =>
        _requestsByBucket[bucket] = _requestsByBucket.TryGetValue(bucket, out var seen) ? (seen.Time + time, seen.Count + count) : (time, count);

    /// <summary>The report, its rows' samples scaled by <paramref name="samples"/>' rates (none known when null).</summary>
    public WebhookLatencyReport Report(RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var p99Bucket = _apiserver.BucketAtPercentile(0.99);
        long tailTime = 0, tailCount = 0;
        foreach (var (bucket, (time, count)) in _requestsByBucket)
            if (bucket >= p99Bucket) { tailTime += time; tailCount += count; }
        var webhooks = _webhooks.Values.Select(w =>
        {
            var inTail = (double)w.TimeAtOrAbove(p99Bucket);
            return w.Describe(tailTime == 0 ? 0 : Fraction(inTail / tailTime), tailCount == 0 ? 0 : Ms(inTail / tailCount), samples);
        })
            .OrderByDescending(w => w.ErrorRate >= FailingRate).ThenByDescending(w => w.ShareOfApiserverP99).ThenByDescending(w => w.P99Ms)
            .ThenBy(w => w.Configuration, StringComparer.Ordinal).ThenBy(w => w.Name, StringComparer.Ordinal)
            .ToList();
        return new WebhookLatencyReport(webhooks.Sum(w => w.Calls), Ms(_apiserver.Percentile(0.99)), tailCount,
            $"failing (error rate ≥ {FailingRate:P0}) first, then share of apiserver p99, then p99", webhooks)
        {
            Sampling = SamplingSummary.Of("webhook calls", samples.Of(_all), webhooks.Select(w => w.Sample).ToList()),
        };
    }

    public static AnalysisTable Table(WebhookLatencyReport report)
    {
        var rows = report.Webhooks.Select(w => (IReadOnlyList<string>)
        [
            w.Configuration, w.Name, w.Type, SampleText.Count(w.Sample), SampleText.Percentile(w.Sample, "p50", w.P50Ms),
            SampleText.Percentile(w.Sample, "p99", w.P99Ms), SampleText.ErrorRate(w.Sample, ShortPercent(w.ErrorRate)), ShortPercent(w.TimeoutRate),
            string.Join(", ", w.Intercepts.Take(3).Select(i => $"{i.Resource} {i.Operation}")) + (w.Intercepts.Count > 3 ? ", …" : ""),
            ShortPercent(w.ShareOfApiserverP99), DurationMs(w.MeanAddedAtApiserverP99Ms),
        ]).ToList();
        var notes = new List<string>
        {
            $"{Count(report.Calls)} webhook calls. Worst first: {report.SortedBy}.",
            "Added latency: the Call mutating/validating webhook span. Errors: the call or its HTTP POST failed (4xx/5xx included); timeouts: the failure says deadline/timeout, or lasted the timeout in the webhook URL. Errors include timeouts.",
            $"p99 share: of the time of the {Count(report.ApiserverP99Requests)} apiserver requests at or above the apiserver p99 ({DurationMs(report.ApiserverP99Ms)}), the webhook's exclusive part; 'at p99' is its mean time per such request.",
            PercentileNote,
        };
        return new AnalysisTable("Admission webhooks, worst first",
            ["Configuration", "Webhook", "Type", "Calls", "p50", "p99", "Errors", "Timeouts", "Intercepts", "p99 share", "At p99"], rows)
        {
            Notes = notes, Samples = report.Webhooks.Select(w => w.Sample).ToList(), Sampling = report.Sampling,
            Searches = report.Webhooks.Select(SearchOf).ToList(),
            Examples = report.Webhooks.Select(w => w.Examples).ToList(),
        };
    }

    /// <summary>The webhook's call spans: its configuration and name, and the span name of its type when it has one.</summary>
    private static RowSearch SearchOf(WebhookLatency webhook) => new(null,
        webhook.Type switch { "mutating" => Catalog.ApiserverSpans.MutatingWebhook, "validating" => Catalog.ApiserverSpans.ValidatingWebhook, _ => null }, null,
        [$"{Semantics.K8sKeys.WebhookConfiguration}={webhook.Configuration}", $"{Semantics.K8sKeys.Webhook}={webhook.Name}"]);

    private sealed class Webhook(string configuration, string name)
    {
        private readonly LatencySketch _latency = new();
        private readonly SampleTally _sample = new();
        private readonly ExampleTraces _examples = new();
        private readonly Dictionary<(string Resource, string Operation), long> _intercepts = [];
        // The webhook's exclusive time in apiserver requests, by the request's latency bucket.
        private readonly Dictionary<int, long> _timeByRequestBucket = [];
        private long _errors;
        private long _timeouts;
        private bool _mutating;
        private bool _validating;

        /// <summary>A call of the request whose server span is <paramref name="request"/> (the call is kept with it).</summary>
        public void Record(WebhookCall call, TraceSampling sampling, ScannedSpan request)
        {
            _latency.Record(call.DurationNanos);
            _sample.Record(sampling, request, call.Failed);
            _examples.Record(sampling.TraceId, call.SpanId, call.DurationNanos);
            if (call.Failed) _errors++;
            if (call.TimedOut) _timeouts++;
            if (call.Mutating) _mutating = true;
            else _validating = true;
            AddIntercepts(call.Resource, call.Operation, 1);
        }

        public void AddTime(int requestBucket, long nanos) =>
            _timeByRequestBucket[requestBucket] = _timeByRequestBucket.GetValueOrDefault(requestBucket) + nanos;

        /// <summary>Its time in requests whose latency bucket is <paramref name="p99Bucket"/> or above.</summary>
        public long TimeAtOrAbove(int p99Bucket)
        {
            long time = 0;
            foreach (var (bucket, nanos) in _timeByRequestBucket)
                if (bucket >= p99Bucket) time += nanos;
            return time;
        }

        public void Merge(Webhook other)
        {
            _latency.Merge(other._latency);
            _sample.Merge(other._sample);
            _examples.Merge(other._examples);
            foreach (var ((resource, operation), calls) in other._intercepts) AddIntercepts(resource, operation, calls);
            foreach (var (bucket, nanos) in other._timeByRequestBucket) AddTime(bucket, nanos);
            _errors += other._errors;
            _timeouts += other._timeouts;
            _mutating |= other._mutating;
            _validating |= other._validating;
        }

        /// <summary>Configuration and name first (the reader finds the webhook by them), then the rest.</summary>
        public void WriteTo(ByteWriter writer)
        {
            writer.WriteString(configuration);
            writer.WriteString(name);
            writer.WriteByte((byte)((_mutating ? 1 : 0) | (_validating ? 2 : 0)));
            writer.WriteVarint(_errors);
            writer.WriteVarint(_timeouts);
            _latency.WriteTo(writer);
            _sample.WriteTo(writer);
            _examples.WriteTo(writer);
            writer.WriteEach(_intercepts, intercept =>
            {
                writer.WriteString(intercept.Key.Resource);
                writer.WriteString(intercept.Key.Operation);
                writer.WriteVarint(intercept.Value);
            });
            writer.WriteEach(_timeByRequestBucket, time =>
            {
                writer.WriteVarint(time.Key);
                writer.WriteVarint(time.Value);
            });
        }

        /// <summary>Adds what <see cref="WriteTo"/> wrote after the name.</summary>
        public void ReadFrom(ByteReader reader)
        {
            var kinds = reader.ReadByte();
            _mutating |= (kinds & 1) != 0;
            _validating |= (kinds & 2) != 0;
            _errors += reader.ReadLong();
            _timeouts += reader.ReadLong();
            _latency.Merge(LatencySketch.ReadFrom(reader));
            _sample.MergeFrom(reader);
            _examples.MergeFrom(reader);
            reader.ReadEach(() => AddIntercepts(reader.ReadString(), reader.ReadString(), reader.ReadLong()));
            reader.ReadEach(() => AddTime(reader.ReadInt(), reader.ReadLong()));
        }

        private void AddIntercepts(string resource, string operation, long calls) =>
            _intercepts[(resource, operation)] = _intercepts.GetValueOrDefault((resource, operation)) + calls;

        public WebhookLatency Describe(double shareOfP99, double meanAtP99Ms, RowSamples samples)
        {
            var calls = _latency.Count;
            return new WebhookLatency(configuration, name,
                _mutating && _validating ? "mutating+validating" : _mutating ? "mutating" : "validating",
                calls, Ms(_latency.Percentile(0.5)), Ms(_latency.Percentile(0.99)), Ms(_latency.Mean), _errors, _timeouts,
                Fraction((double)_errors / calls), Fraction((double)_timeouts / calls),
                _intercepts.OrderByDescending(i => i.Value).ThenBy(i => i.Key.Resource, StringComparer.Ordinal)
                    .ThenBy(i => i.Key.Operation, StringComparer.Ordinal)
                    .Select(i => new WebhookIntercept(i.Key.Resource, i.Key.Operation, i.Value)).ToList(),
                shareOfP99, meanAtP99Ms)
            {
                Sample = samples.Of(_sample, _latency, errors: true), Examples = _examples.Report(_latency.Percentile(0.5)),
            };
        }
    }
}
