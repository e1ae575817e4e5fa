using Kubetrace.Analysis;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;
using static Kubetrace.Analysis.AnalysisText;
using static Kubetrace.Analysis.ReportNumbers;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// <c>lists</c>: each LIST the apiserver served, per resource, caller and where it was served from: the watch
/// cache (a <c>cacher list</c> / <c>cacher.GetList</c> span under its handler) or etcd (a
/// <c>List(recursive=true) etcd3</c> span; a consistent read's one-object probe does not count), with how many
/// objects it returned and how many bytes it wrote, from the events that carry them: the handler's
/// "Writing http response done" (count), the cacher's "Listed items from cache" / "Filtered items" (count),
/// SerializeObject's "Write call succeeded" (size). Where a span or event is missing, that cell says n/a.
/// Each row carries the sampled traces behind it. States merge exactly: per-block rollups (<c>lists-3</c>; <c>lists-2</c> had no example traces, <c>lists-1</c> no sample tallies).
/// </summary>
public sealed class ListsAnalysis : IRollupState<ListsAnalysis>
{
    public const string FromCache = "watch cache";
    public const string FromEtcd = "etcd";
    public const string Unknown = "(unknown)";

    private static readonly string ReturnedKey = EventValueKey.Of(ApiserverEvents.ResponseDone, ApiserverKeys.Count);
    private static readonly string FilteredKey = EventValueKey.Of(StorageEvents.FilteredItems, StorageKeys.Count);
    private static readonly string ListedKey = EventValueKey.Of(StorageEvents.ListedFromCache, StorageKeys.Count);
    private static readonly string WrittenKey = EventValueKey.Of(ApiserverEvents.WriteCallSucceeded, ApiserverKeys.Size);

    private readonly ScannedAttributes _attributes;
    private readonly TraceTree _tree = new();
    private readonly List<int> _subtree = [];
    private readonly Dictionary<(string Resource, string Caller, string Served), ListStats> _rows = [];
    private readonly TraceSampling _sampling = new();
    private readonly SampleTally _all = new();

    public ListsAnalysis(TimeRange range) =>
        _attributes = new ScannedAttributes(range, [K8sKeys.Verb, K8sKeys.Resource, K8sKeys.ApiGroup, K8sKeys.UserAgent, K8sKeys.EtcdKey],
            [ApiserverKeys.Url, StorageKeys.Type, ReturnedKey, FilteredKey, ListedKey, WrittenKey]).ForServices(ApiserverRequestWalker.Services);

    internal static StateRollup<ListsAnalysis> Rollup { get; } = new("lists-3", () => new ListsAnalysis(TimeRange.All));

    public static AnalysisDefinition Definition { get; } = Rollup.Define("lists",
        "LIST requests per resource and caller: served from the watch cache or etcd, objects returned, bytes written",
        request => new ListsAnalysis(request.Range),
        (analysis, request) => Result(analysis.Report(request.Samples)));

    private static AnalysisResult Result(ListsReport report) => new(report, Table(report));

    public SpanScanRequest ScanRequest => _attributes.Request;

    public void Add(ScannedTrace trace)
    {
        _tree.Load(trace);
        _sampling.Begin(trace);
        for (var i = 0; i < _tree.Count; i++)
        {
            var handler = _tree[i];
            if (handler.Name != "List" || _attributes.Get(handler, K8sKeys.Verb) != "LIST") continue;
            _subtree.Clear();
            _tree.CollectSubtree(i, _subtree);
            string? cacheType = null, storageKey = null;
            long? listed = null, filtered = null, written = null;
            var fromCache = false;
            var fromEtcd = false;
            foreach (var d in _subtree)
            {
                var span = _tree[d];
                if (StorageNames.IsCacherList(span.Name))
                {
                    fromCache = true;
                    cacheType ??= _attributes.Get(span, StorageKeys.Type);
                    listed ??= ValueOf(span, ListedKey);
                    filtered ??= ValueOf(span, FilteredKey);
                }
                else if (span.Name == StorageNames.ListRecursive)
                {
                    fromEtcd = true;
                    storageKey ??= _attributes.Get(span, K8sKeys.EtcdKey);
                }
                else if (span.Name == "SerializeObject") written ??= ValueOf(span, WrittenKey);
            }
            var resource = StorageResource.FromHandler(_attributes.Get(handler, K8sKeys.Resource), _attributes.Get(handler, K8sKeys.ApiGroup), _attributes.Get(handler, ApiserverKeys.Url))
                           ?? cacheType ?? StorageResource.FromKey(storageKey) ?? Unknown;
            // A consistent read that the cache could not serve in time falls back to etcd: it was served by etcd.
            var served = fromEtcd ? FromEtcd : fromCache ? FromCache : Unknown;
            var row = RowOf((resource, Caller(_attributes.Get(handler, K8sKeys.UserAgent)), served));
            row.Latency.Record(handler.DurationNanos);
            row.Sample.Record(_sampling, handler);
            row.Examples.Record(_sampling.TraceId, handler.SpanId, handler.DurationNanos);
            _all.Record(_sampling, handler);
            row.Returned.Add(ValueOf(handler, ReturnedKey) ?? filtered);
            row.ReadFromCache.Add(listed);
            row.Written.Add(written);
        }
    }

    /// <summary>The caller as its user agent's product (<c>kube-controller-manager/v1.34.0 (linux/amd64) …</c> → <c>kube-controller-manager</c>).</summary>
    private static string Caller(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent)) return Unknown;
        var end = userAgent.AsSpan().IndexOfAny('/', ' ');
        return LabelPool.Get(end < 0 ? userAgent : userAgent.AsSpan(0, end));
    }

    private long? ValueOf(ScannedSpan span, string key) =>
        _attributes.Get(span, key) is { } text && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) ? (long)value : null;

    public void Merge(ListsAnalysis other)
    {
        foreach (var (key, theirs) in other._rows) RowOf(key).Merge(theirs);
        _all.Merge(other._all);
    }

    void IRollupState<ListsAnalysis>.WriteTo(ByteWriter writer)
    {
        _all.WriteTo(writer);
        writer.WriteEach(_rows, row =>
        {
            writer.WriteString(row.Key.Resource);
            writer.WriteString(row.Key.Caller);
            writer.WriteString(row.Key.Served);
            row.Value.WriteTo(writer);
        });
    }

    static ListsAnalysis IRollupState<ListsAnalysis>.ReadFrom(ByteReader reader)
    {
        var state = new ListsAnalysis(TimeRange.All);
        state._all.MergeFrom(reader);
        reader.ReadEach(() => state.RowOf((reader.ReadString(), reader.ReadString(), reader.ReadString())).MergeFrom(reader));
        return state;
    }

    private ListStats RowOf((string, string, string) key)
    {
        if (!_rows.TryGetValue(key, out var row)) _rows.Add(key, row = new ListStats());
        return row;
    }

    /// <summary>The report, its rows' samples scaled by <paramref name="samples"/>' rates (none known when null).</summary>
    public ListsReport Report(RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var rows = _rows.Select(r => new ListsRow(r.Key.Resource, r.Key.Caller, r.Key.Served, r.Value.Latency.Count,
                Ms(r.Value.Latency.Percentile(0.5)), Ms(r.Value.Latency.Percentile(0.99)),
                r.Value.Returned.Summary(), r.Value.ReadFromCache.Summary(), r.Value.Written.Summary())
            {
                Sample = samples.Of(r.Value.Sample, r.Value.Latency), Examples = r.Value.Examples.Report(r.Value.Latency.Percentile(0.5)),
            })
            .OrderByDescending(r => r.Lists).ThenBy(r => r.Resource, StringComparer.Ordinal).ThenBy(r => r.Caller, StringComparer.Ordinal)
            .ThenBy(r => r.ServedFrom, StringComparer.Ordinal)
            .ToList();
        return new ListsReport(rows.Sum(r => r.Lists), rows.Where(r => r.ServedFrom == FromCache).Sum(r => r.Lists),
            rows.Where(r => r.ServedFrom == FromEtcd).Sum(r => r.Lists), rows)
        {
            Sampling = SamplingSummary.Of("LIST requests", samples.Of(_all), rows.Select(r => r.Sample).ToList()),
        };
    }

    public static AnalysisTable Table(ListsReport report)
    {
        var rows = report.Rows.Select(r => (IReadOnlyList<string>)
        [
            r.Resource, r.Caller, r.ServedFrom, SampleText.Count(r.Sample), SampleText.Percentile(r.Sample, "p50", r.P50Ms), SampleText.Percentile(r.Sample, "p99", r.P99Ms),
            Mean(r.ObjectsReturned), Max(r.ObjectsReturned), Mean(r.ObjectsReadFromCache), Mean(r.BytesWritten), Max(r.BytesWritten),
        ]).ToList();
        var notes = new List<string>
        {
            $"{Count(report.Lists)} LIST requests: {Count(report.FromCache)} served from the watch cache, {Count(report.FromEtcd)} from etcd; most frequent first.",
            "Served from: the watch cache when a cacher list span (cacher list through 1.31, cacher.GetList from 1.32) ran under the request and no List(recursive=true) etcd3 did; etcd when one did (a consistent read's one-object revision probe, List(recursive=false), does not count).",
            "Objects: the handler's \"Writing http response done\" count (every release), else the cacher's \"Filtered items\"; read from cache: \"Listed items from cache\" (before selectors); bytes: SerializeObject's \"Write call succeeded\" sizes. n/a: no such event was stored (etcd lists have no read count: their storage span carries none).",
            PercentileNote,
        };
        return new AnalysisTable("LIST requests by resource, caller and where they were served",
            ["Resource", "Caller", "Served from", "Lists", "p50", "p99", "Objects (mean)", "Objects (max)", "Read from cache (mean)", "Bytes (mean)", "Bytes (max)"], rows)
        {
            Notes = notes, Samples = report.Rows.Select(r => r.Sample).ToList(), Sampling = report.Sampling,
            Examples = report.Rows.Select(r => r.Examples).ToList(),
            Searches = report.Rows.Select(ListsRowSearch.Of).ToList(),
        };
    }

    private static string Mean(ValueSummary? summary) => summary is { } s ? Number(Math.Round(s.Mean, 1)) : "n/a";

    private static string Max(ValueSummary? summary) => summary is { } s ? Count(s.Max) : "n/a";

    /// <summary>The lists of one row: their latency and the event values that were present.</summary>
    private sealed class ListStats
    {
        public LatencySketch Latency { get; } = new();

        public ValueStats Returned { get; } = new();

        public ValueStats ReadFromCache { get; } = new();

        public ValueStats Written { get; } = new();

        /// <summary>The sampled traces and LISTs behind the row.</summary>
        public SampleTally Sample { get; } = new();

        /// <summary>The slowest and a typical LIST (trace and handler span).</summary>
        public ExampleTraces Examples { get; } = new();

        public void Merge(ListStats other)
        {
            Latency.Merge(other.Latency);
            Sample.Merge(other.Sample);
            Examples.Merge(other.Examples);
            Returned.Merge(other.Returned);
            ReadFromCache.Merge(other.ReadFromCache);
            Written.Merge(other.Written);
        }

        public void WriteTo(ByteWriter writer)
        {
            Latency.WriteTo(writer);
            Sample.WriteTo(writer);
            Examples.WriteTo(writer);
            Returned.WriteTo(writer);
            ReadFromCache.WriteTo(writer);
            Written.WriteTo(writer);
        }

        public void MergeFrom(ByteReader reader)
        {
            Latency.Merge(LatencySketch.ReadFrom(reader));
            Sample.MergeFrom(reader);
            Examples.MergeFrom(reader);
            Returned.MergeFrom(reader);
            ReadFromCache.MergeFrom(reader);
            Written.MergeFrom(reader);
        }
    }
}

/// <summary>Count, sum and maximum of a value seen on some of a row's requests: merges exactly.</summary>
internal sealed class ValueStats
{
    private long _count, _sum, _max;

    public void Add(long? value)
    {
        if (value is not { } v) return;
        _count++;
        _sum += v;
        _max = Math.Max(_max, v);
    }

    public void Merge(ValueStats other)
    {
        _count += other._count;
        _sum += other._sum;
        _max = Math.Max(_max, other._max);
    }

    public ValueSummary? Summary() => _count == 0 ? null : new ValueSummary(_count, Math.Round((double)_sum / _count, 3), _max);

    public void WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(_count);
        writer.WriteVarint(_sum);
        writer.WriteVarint(_max);
    }

    public void MergeFrom(ByteReader reader) =>
        Merge(new ValueStats { _count = reader.ReadLong(), _sum = reader.ReadLong(), _max = reader.ReadLong() });
}
