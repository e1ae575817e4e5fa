using Kubetrace.Analysis;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;
using static Kubetrace.Analysis.AnalysisText;
using static Kubetrace.Analysis.ReportNumbers;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// <c>etcd</c>: per gRPC method, apiserver storage operation and key prefix, the call rate, latency percentiles
/// and errors. Each call is measured once, on the apiserver's etcd client span (what the apiserver waits for,
/// network included); etcd's server span under it is not counted again. An etcd server span with no client
/// span above it (a caller that does not trace, or an apiserver span that was not stored) is measured on the
/// etcd side. Sorted by p99, worst first. States merge exactly (<see cref="Merge"/>): per-block rollups.
/// </summary>
public sealed class EtcdLatencyAnalysis : IRollupState<EtcdLatencyAnalysis>
{
    private static readonly string[] NormalisedKeys = [K8sKeys.Resource, K8sKeys.EtcdKey, K8sKeys.RpcMethod, K8sKeys.RpcStatus];

    private readonly ScannedAttributes _attributes;
    private readonly TraceTree _tree = new();
    private readonly Dictionary<(string Method, string Storage, string Prefix, string Side), CallStats> _operations = [];
    private readonly TraceSampling _sampling = new();
    private readonly SampleTally _all = new();
    private long _firstStart = long.MaxValue;
    private long _lastEnd = long.MinValue;

    public EtcdLatencyAnalysis(TimeRange range) =>
        _attributes = new ScannedAttributes(range, NormalisedKeys).ForServices(ApiserverRequestWalker.Services);

    /// <summary>The per-block aggregate (<c>etcd-2</c>: <c>etcd-1</c> had no sample tallies).</summary>
    internal static StateRollup<EtcdLatencyAnalysis> Rollup { get; } = new("etcd-2", () => new EtcdLatencyAnalysis(TimeRange.All));

    public static AnalysisDefinition Definition { get; } = Rollup.Define("etcd",
        "etcd calls per operation and key prefix (resource): rate, latency percentiles, errors",
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
            var span = _tree[i];
            // A watch stream lasts as long as its watcher: its duration is not an operation's latency.
            if (!ApiserverPhase.IsEtcdRpc(span.Name) || ApiserverPhase.IsEtcdWatch(span.Name)) continue;
            string side;
            if (span.Kind == Span.Types.SpanKind.Client) side = "apiserver";
            else if (span.Kind == Span.Types.SpanKind.Server && !UnderClientSpan(i)) side = "etcd";
            else continue;
            var storage = StorageAncestor(i);
            var prefix = storage is null ? EtcdKeyPrefix.Unknown
                : EtcdKeyPrefix.Of(_attributes.Get(storage, K8sKeys.EtcdKey), _attributes.Get(storage, K8sKeys.Resource));
            var method = MethodOf(span);
            var operation = OperationOf((method, storage?.Name ?? "", prefix, side));
            var error = span.IsError || _attributes.Get(span, K8sKeys.RpcStatus) is { } status && status != "OK";
            operation.Record(span.DurationNanos, error, _sampling, span);
            _all.Record(_sampling, span, error);
            _firstStart = Math.Min(_firstStart, span.StartUnixNano);
            _lastEnd = Math.Max(_lastEnd, span.EndUnixNano);
        }
    }

    public void Merge(EtcdLatencyAnalysis other)
    {
        foreach (var (key, theirs) in other._operations) OperationOf(key).Merge(theirs);
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
            writer.WriteString(operation.Key.Prefix);
            writer.WriteString(operation.Key.Side);
            operation.Value.WriteTo(writer);
        });
    }

    static EtcdLatencyAnalysis IRollupState<EtcdLatencyAnalysis>.ReadFrom(ByteReader reader)
    {
        var state = new EtcdLatencyAnalysis(TimeRange.All) { _firstStart = reader.ReadSigned(), _lastEnd = reader.ReadSigned() };
        state._all.MergeFrom(reader);
        reader.ReadEach(() => state.OperationOf((reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString())).MergeFrom(reader));
        return state;
    }

    private CallStats OperationOf((string Method, string Storage, string Prefix, string Side) key)
    {
        if (!_operations.TryGetValue(key, out var operation)) _operations.Add(key, operation = new CallStats());
        return operation;
    }

    /// <summary><c>KV/Range</c>: the method without etcd's package name, from rpc.method (old or new form) or the span name.</summary>
    private string MethodOf(ScannedSpan span)
    {
        var method = _attributes.Get(span, K8sKeys.RpcMethod) is { } rpc && rpc.Contains('/') ? rpc : span.Name;
        return method.StartsWith("etcdserverpb.", StringComparison.Ordinal) ? LabelPool.Get(method.AsSpan("etcdserverpb.".Length)) : method;
    }

    private bool UnderClientSpan(int index)
    {
        var parent = _tree.ParentOf(index);
        return parent >= 0 && _tree[parent].Kind == Span.Types.SpanKind.Client && ApiserverPhase.IsEtcdRpc(_tree[parent].Name);
    }

    private ScannedSpan? StorageAncestor(int index)
    {
        var steps = 0;
        for (var a = _tree.ParentOf(index); a >= 0 && steps++ < _tree.Count; a = _tree.ParentOf(a))
            if (ApiserverPhase.IsStorage(_tree[a].Name)) return _tree[a];
        return null;
    }

    /// <summary>The report, its rows' samples scaled by <paramref name="samples"/>' rates (none known when null).</summary>
    public EtcdLatencyReport Report(RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var seconds = _lastEnd > _firstStart ? (_lastEnd - _firstStart) / 1e9 : 0;
        var operations = _operations.Select(o =>
        {
            var latency = o.Value.Latency;
            return new EtcdOperationLatency(o.Key.Method, o.Key.Storage, o.Key.Prefix, o.Key.Side, latency.Count,
                Thousandths(latency.Count / Math.Max(seconds, 1)), Ms(latency.Percentile(0.5)), Ms(latency.Percentile(0.95)),
                Ms(latency.Percentile(0.99)), Ms(latency.Mean), o.Value.Errors, Fraction(o.Value.ErrorRate))
            {
                Sample = samples.Of(o.Value, Math.Max(seconds, 1)),
            };
        })
            .OrderByDescending(o => o.P99Ms).ThenByDescending(o => o.Calls)
            .ThenBy(o => o.KeyPrefix, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal).ThenBy(o => o.StorageOperation, StringComparer.Ordinal)
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
            o.KeyPrefix, o.Method, o.StorageOperation.Length == 0 ? "-" : o.StorageOperation, o.MeasuredOn, SampleText.Count(o.Sample),
            SampleText.Rate(o.Sample, o.RatePerSecond), SampleText.Percentile(o.Sample, "p50", o.P50Ms), SampleText.Percentile(o.Sample, "p95", o.P95Ms),
            SampleText.Percentile(o.Sample, "p99", o.P99Ms), GroupedCount(o.Errors), SampleText.ErrorRate(o.Sample, ShortPercent(o.ErrorRate)),
        ]).ToList();
        var notes = new List<string>
        {
            $"{GroupedCount(report.Calls)} etcd calls over {Number(report.ObservedSeconds)} s (first call to last; rates are per second of that), sorted by p99, worst first.",
            "Each call counted once: on the apiserver's etcd client span when there is one, else on etcd's server span (Measured on). Errors: error status or a gRPC status other than OK.",
            PercentileNote,
        };
        return new AnalysisTable("etcd calls by key prefix and operation",
            ["Key prefix", "Method", "Storage operation", "Measured on", "Calls", "Rate", "p50", "p95", "p99", "Errors", "Error %"], rows)
        { Notes = notes, Samples = report.Operations.Select(o => o.Sample).ToList(), Sampling = report.Sampling };
    }
}
