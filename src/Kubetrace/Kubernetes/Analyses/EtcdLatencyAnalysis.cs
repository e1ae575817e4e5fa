using Kubetrace.Analysis;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Kubernetes.Analyses.Storage;
using Kubetrace.Storage.Scan;
using static Kubetrace.Analysis.AnalysisText;
using static Kubetrace.Analysis.ReportNumbers;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// <c>etcd</c>: per gRPC method, apiserver operation and resource, the call rate, latency percentiles and errors.
/// Each call is measured once, on the apiserver's etcd client span (what the apiserver waits for, network
/// included); etcd's server span under it gives the etcd-side latency beside it. An etcd server span with no
/// client span above it (a caller that does not trace, or an apiserver span that was not stored) is measured on
/// the etcd side. The resource comes from the spans each release builds (<see cref="EtcdCallContext"/>): storage
/// spans' group.resource or unprefixed key, the cacher's type, a GET's handler (it has no storage span), etcd
/// 3.7's keys; watch streams are left out (open as long as their watcher). Sorted by p99, worst first. States
/// merge exactly (<see cref="Merge"/>): per-block rollups.
/// </summary>
public sealed class EtcdLatencyAnalysis : IRollupState<EtcdLatencyAnalysis>
{
    private readonly ScannedAttributes _attributes;
    private readonly TraceTree _tree = new();
    private readonly EtcdCallContext _context;
    private readonly Dictionary<(string Method, string Storage, string Resource, string Side), Operation> _operations = [];
    private readonly TraceSampling _sampling = new();
    private readonly SampleTally _all = new();
    private long _firstStart = long.MaxValue;
    private long _lastEnd = long.MinValue;

    public EtcdLatencyAnalysis(TimeRange range)
    {
        _attributes = new ScannedAttributes(range, EtcdCallContext.NormalisedKeys, EtcdCallContext.RawKeys).ForServices(ApiserverRequestWalker.Services);
        _context = new EtcdCallContext(_attributes, _tree);
    }

    /// <summary>The per-block aggregate (<c>etcd-4</c>: <c>etcd-3</c> had no example traces; <c>etcd-2</c> had no sample tallies; <c>etcd-1</c> grouped by key prefix, without etcd-side latency).</summary>
    internal static StateRollup<EtcdLatencyAnalysis> Rollup { get; } = new("etcd-4", () => new EtcdLatencyAnalysis(TimeRange.All));

    public static AnalysisDefinition Definition { get; } = Rollup.Define("etcd",
        "The etcd calls per operation and resource: rate, latency percentiles (apiserver and etcd side), errors",
        request => new EtcdLatencyAnalysis(request.Range),
        (analysis, request) => Result(analysis.Report(request.Samples)));

    private static AnalysisResult Result(EtcdLatencyReport report) => new(report, Table(report));

    public SpanScanRequest ScanRequest => _attributes.Request;

    public void Add(ScannedTrace trace)
    {
        _tree.Load(trace);
        _sampling.Begin(trace);
        for (var i = 0; i < _tree.Count; i++)
        {
            if (!_context.IsMeasuredOn(i)) continue;
            var span = _tree[i];
            var client = span.Kind == Span.Types.SpanKind.Client;
            var side = client ? "apiserver" : "etcd";
            var server = client ? _context.ServerOf(i) : i;
            var (operation, resource) = _context.Describe(i);
            var stats = OperationOf((_context.MethodOf(span), operation, resource, side));
            var error = _context.Failed(span);
            stats.Calls.Record(span.DurationNanos, error, _sampling, span);
            _all.Record(_sampling, span, error);
            if (server >= 0) stats.EtcdSide.Record(_tree[server].DurationNanos);
            _firstStart = Math.Min(_firstStart, span.StartUnixNano);
            _lastEnd = Math.Max(_lastEnd, span.EndUnixNano);
        }
    }

    public void Merge(EtcdLatencyAnalysis other)
    {
        foreach (var (key, theirs) in other._operations)
        {
            var mine = OperationOf(key);
            mine.Calls.Merge(theirs.Calls);
            mine.EtcdSide.Merge(theirs.EtcdSide);
        }
        _all.Merge(other._all);
        _firstStart = Math.Min(_firstStart, other._firstStart);
        _lastEnd = Math.Max(_lastEnd, other._lastEnd);
    }

    void IRollupState<EtcdLatencyAnalysis>.WriteTo(ByteWriter writer)
    {
        writer.WriteSigned(_firstStart);
        writer.WriteSigned(_lastEnd);
        _all.WriteTo(writer);
        writer.WriteEach(_operations, operation =>
        {
            writer.WriteString(operation.Key.Method);
            writer.WriteString(operation.Key.Storage);
            writer.WriteString(operation.Key.Resource);
            writer.WriteString(operation.Key.Side);
            operation.Value.Calls.WriteTo(writer);
            operation.Value.EtcdSide.WriteTo(writer);
        });
    }

    static EtcdLatencyAnalysis IRollupState<EtcdLatencyAnalysis>.ReadFrom(ByteReader reader)
    {
        var state = new EtcdLatencyAnalysis(TimeRange.All) { _firstStart = reader.ReadSigned(), _lastEnd = reader.ReadSigned() };
        state._all.MergeFrom(reader);
        reader.ReadEach(() =>
        {
            var operation = state.OperationOf((reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString()));
            operation.Calls.MergeFrom(reader);
            operation.EtcdSide.Merge(LatencySketch.ReadFrom(reader));
        });
        return state;
    }

    private Operation OperationOf((string Method, string Storage, string Resource, string Side) key)
    {
        if (!_operations.TryGetValue(key, out var operation)) _operations.Add(key, operation = new Operation());
        return operation;
    }

    /// <summary>One row's calls as measured, and etcd's own time for those of them whose server span was stored.</summary>
    private sealed class Operation
    {
        public CallStats Calls { get; } = new();

        public LatencySketch EtcdSide { get; } = new();
    }

    /// <summary>The report, its rows' samples scaled by <paramref name="samples"/>' rates (none known when null).</summary>
    public EtcdLatencyReport Report(RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var seconds = _lastEnd > _firstStart ? (_lastEnd - _firstStart) / 1e9 : 0;
        var operations = _operations.Select(o =>
        {
            var latency = o.Value.Calls.Latency;
            var etcd = o.Value.EtcdSide;
            return new EtcdOperationLatency(o.Key.Method, o.Key.Storage, o.Key.Resource, o.Key.Side, latency.Count,
                Thousandths(latency.Count / Math.Max(seconds, 1)), Ms(latency.Percentile(0.5)), Ms(latency.Percentile(0.95)),
                Ms(latency.Percentile(0.99)), Ms(latency.Mean), o.Value.Calls.Errors, Fraction(o.Value.Calls.ErrorRate),
                etcd.Count, etcd.Count == 0 ? null : Ms(etcd.Percentile(0.5)), etcd.Count == 0 ? null : Ms(etcd.Percentile(0.99)))
            {
                Sample = samples.Of(o.Value.Calls, Math.Max(seconds, 1)), Examples = o.Value.Calls.ExamplesReport(),
            };
        })
            .OrderByDescending(o => o.P99Ms).ThenByDescending(o => o.Calls)
            .ThenBy(o => o.Resource, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal).ThenBy(o => o.StorageOperation, StringComparer.Ordinal)
            .ThenBy(o => o.MeasuredOn, StringComparer.Ordinal)
            .ToList();
        return new EtcdLatencyReport(operations.Sum(o => o.Calls), Thousandths(seconds), "p99", operations)
        {
            Sampling = SamplingSummary.Of("etcd calls", samples.Of(_all), operations.Select(o => o.Sample).ToList()),
        };
    }

    public static AnalysisTable Table(EtcdLatencyReport report)
    {
        var rows = report.Operations.Select(o => (IReadOnlyList<string>)
        [
            o.Resource, o.Method, o.StorageOperation.Length == 0 ? "-" : o.StorageOperation, o.MeasuredOn, SampleText.Count(o.Sample),
            SampleText.Rate(o.Sample, o.RatePerSecond), SampleText.Percentile(o.Sample, "p50", o.P50Ms), SampleText.Percentile(o.Sample, "p95", o.P95Ms),
            SampleText.Percentile(o.Sample, "p99", o.P99Ms), o.EtcdP99Ms is { } etcd ? DurationMs(etcd) : "n/a", Count(o.Errors),
            SampleText.ErrorRate(o.Sample, ShortPercent(o.ErrorRate)),
        ]).ToList();
        var notes = new List<string>
        {
            $"{Count(report.Calls)} etcd calls over {Number(report.ObservedSeconds)} s (first call to last; rates are per second of that), sorted by p99, worst first.",
            "Each call counted once: on the apiserver's etcd client span when there is one, else on etcd's server span (Measured on). Errors: error status or a gRPC status other than OK.",
            "etcd p99: etcd's own server span for the same calls (the rest of the apiserver's time is network and the gRPC client); n/a where etcd's spans were not stored (etcd not tracing, or not sampled).",
            "Operation: the apiserver span the call ran under (a GET has no storage span: its handler, or cacher.Get from 1.32). Watch streams are left out. (unknown): no span around the call names a resource (the compactor's and the apiserver's own background calls before etcd 3.7).",
            PercentileNote,
        };
        return new AnalysisTable("etcd calls by resource and operation",
            ["Resource", "Method", "Operation", "Measured on", "Calls", "Rate", "p50", "p95", "p99", "etcd p99", "Errors", "Error %"], rows)
        {
            Notes = notes, Samples = report.Operations.Select(o => o.Sample).ToList(), Sampling = report.Sampling,
            Examples = report.Operations.Select(o => o.Examples).ToList(),
            Searches = report.Operations.Select(EtcdRowSearch.Of).ToList(),
            // At 80 columns the question is "is etcd slow, and for what": the row's name, its calls and latency stay.
            DropFirst = ["Measured on", "p95", "Rate", "etcd p99", "Error %", "Errors"],
        };
    }
}
