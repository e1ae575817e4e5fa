using Kubetrace.Analysis;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Api;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;
using static Kubetrace.Analysis.AnalysisText;
using static Kubetrace.Analysis.ReportNumbers;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// <c>etcd-timeline</c>: etcd latency per time bucket beside the compactions in it, so an operator sees whether
/// slowness follows compactions. Calls are measured once as in <c>etcd</c> (the apiserver's client span, else
/// etcd's server span; watch streams left out); a compaction is a <c>KV/Compact</c> call (every etcd version: the
/// apiserver's compactor each 5 minutes), with the revision from etcd 3.7's <c>compact</c> span when stored. The
/// summary compares the p99 of buckets with or just after a compaction to the others. States are per minute and
/// merge exactly: per-block rollups (<c>etcd-timeline-3</c>; <c>etcd-timeline-2</c> had no example traces, <c>etcd-timeline-1</c> no sample tallies). Each bucket carries the
/// sampled traces behind its calls, and its compactions are scaled like its calls (a compaction trace is the
/// compactor's root, kept at the apiserver's rate).
/// </summary>
public sealed class EtcdTimelineAnalysis : IRollupState<EtcdTimelineAnalysis>
{
    private const long Minute = 60_000_000_000;
    private const int MaxRows = 240;

    private readonly Kubernetes.Semantics.ScannedAttributes _attributes;
    private readonly TraceTree _tree = new();
    private readonly EtcdCallContext _context;
    private readonly SortedDictionary<long, MinuteStats> _minutes = [];
    private readonly TraceSampling _sampling = new();
    private readonly SampleTally _all = new();

    public EtcdTimelineAnalysis(TimeRange range)
    {
        _attributes = new Kubernetes.Semantics.ScannedAttributes(range, EtcdCallContext.NormalisedKeys, [.. EtcdCallContext.RawKeys, EtcdKeys.Rev])
            .ForServices(ApiserverRequestWalker.Services);
        _context = new EtcdCallContext(_attributes, _tree);
    }

    internal static StateRollup<EtcdTimelineAnalysis> Rollup { get; } = new("etcd-timeline-3", () => new EtcdTimelineAnalysis(TimeRange.All));

    public static AnalysisDefinition Definition { get; } = Rollup.Define("etcd-timeline",
        "The etcd latency per time bucket beside compactions: does slowness follow compactions?",
        request =>
        {
            _ = BucketOf(request); // a bad bucket is refused before anything is read
            return new EtcdTimelineAnalysis(request.Range);
        },
        (analysis, request) =>
        {
            var report = analysis.Report(BucketOf(request), request.Samples);
            return new AnalysisResult(report, Table(report));
        }) with
    {
        Options = [new AnalysisParameter("bucket", "Bucket size, whole minutes up to 7d (default: 1m, wider when the range needs more than 240 rows)", Required: false)],
    };

    private static long? BucketOf(AnalysisRequest request)
    {
        if (request.Get("bucket") is not { } text) return null;
        if (!Config.GoDuration.TryParseWithDays(text, out var duration) || duration < TimeSpan.FromMinutes(1) || duration.Ticks % TimeSpan.TicksPerMinute != 0 || duration > TimeSpan.FromDays(7))
            throw new BadQueryException($"bucket: \"{text}\" is not a whole number of minutes from 1m to 7d");
        return duration.Ticks * 100;
    }

    public SpanScanRequest ScanRequest => _attributes.Request;

    public void Add(ScannedTrace trace)
    {
        _tree.Load(trace);
        _sampling.Begin(trace);
        for (var i = 0; i < _tree.Count; i++)
        {
            if (!_context.IsMeasuredOn(i)) continue;
            var span = _tree[i];
            var minute = MinuteOf(span.StartUnixNano);
            var error = _context.Failed(span);
            _all.Record(_sampling, span, error);
            if (_context.MethodOf(span) == "KV/Compact")
            {
                minute.Compactions++;
                minute.CompactionSample.Record(_sampling, span, error);
                minute.CompactionNanosMax = Math.Max(minute.CompactionNanosMax, span.DurationNanos);
                minute.CompactedRevision = Math.Max(minute.CompactedRevision, RevisionOf(i));
            }
            else
            {
                minute.Latency.Record(span.DurationNanos);
                minute.Sample.Record(_sampling, span, error);
                minute.Examples.Record(_sampling.TraceId, span.SpanId, span.DurationNanos);
            }
        }
    }

    /// <summary>etcd 3.7's <c>compact</c> span under the call's server span says which revision was compacted (0 when not stored).</summary>
    private long RevisionOf(int call)
    {
        var server = _tree[call].Kind == Span.Types.SpanKind.Server ? call : _context.ServerOf(call);
        if (server < 0) return 0;
        for (var c = _tree.FirstChildOf(server); c >= 0; c = _tree.NextSiblingOf(c))
            if (_tree[c].Name == EtcdNames.Compact && long.TryParse(_attributes.Get(_tree[c], EtcdKeys.Rev), out var rev)) return rev;
        return 0;
    }

    private MinuteStats MinuteOf(long unixNano)
    {
        var start = unixNano - unixNano % Minute;
        if (!_minutes.TryGetValue(start, out var minute)) _minutes.Add(start, minute = new MinuteStats());
        return minute;
    }

    public void Merge(EtcdTimelineAnalysis other)
    {
        foreach (var (start, theirs) in other._minutes) MinuteOf(start).Merge(theirs);
        _all.Merge(other._all);
    }

    void IRollupState<EtcdTimelineAnalysis>.WriteTo(ByteWriter writer)
    {
        _all.WriteTo(writer);
        writer.WriteEach(_minutes, minute =>
        {
            writer.WriteSigned(minute.Key);
            writer.WriteVarint(minute.Value.Compactions);
            writer.WriteVarint(minute.Value.CompactionNanosMax);
            writer.WriteVarint(minute.Value.CompactedRevision);
            minute.Value.Latency.WriteTo(writer);
            minute.Value.Sample.WriteTo(writer);
            minute.Value.CompactionSample.WriteTo(writer);
            minute.Value.Examples.WriteTo(writer);
        });
    }

    static EtcdTimelineAnalysis IRollupState<EtcdTimelineAnalysis>.ReadFrom(ByteReader reader)
    {
        var state = new EtcdTimelineAnalysis(TimeRange.All);
        state._all.MergeFrom(reader);
        reader.ReadEach(() =>
        {
            var minute = state.MinuteOf(reader.ReadSigned());
            minute.Compactions += reader.ReadLong();
            minute.CompactionNanosMax = Math.Max(minute.CompactionNanosMax, reader.ReadLong());
            minute.CompactedRevision = Math.Max(minute.CompactedRevision, reader.ReadLong());
            minute.Latency.Merge(LatencySketch.ReadFrom(reader));
            minute.Sample.MergeFrom(reader);
            minute.CompactionSample.MergeFrom(reader);
            minute.Examples.MergeFrom(reader);
        });
        return state;
    }

    /// <param name="bucketNanos">Bucket width (null: a minute, or wider when the range would need more than 240 rows).</param>
    /// <param name="samples">The rates the rows' samples are scaled by (none known when null).</param>
    public EtcdTimelineReport Report(long? bucketNanos = null, RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        if (_minutes.Count == 0) return new EtcdTimelineReport(Minute / 1_000_000_000, 0, 0, null, null, [], "no etcd calls in the range");
        var first = _minutes.Keys.First();
        var span = _minutes.Keys.Last() + Minute - first;
        var bucket = bucketNanos ?? Math.Max(Minute, (span / MaxRows + Minute - 1) / Minute * Minute);
        var buckets = new SortedDictionary<long, MinuteStats>();
        foreach (var (start, minute) in _minutes)
        {
            var key = start - (start - first) % bucket;
            if (!buckets.TryGetValue(key, out var b)) buckets.Add(key, b = new MinuteStats());
            b.Merge(minute);
        }
        var near = new LatencySketch();
        var elsewhere = new LatencySketch();
        var previousHadCompaction = false;
        var rows = new List<EtcdTimelineRow>(buckets.Count);
        foreach (var (start, b) in buckets)
        {
            var afterCompaction = b.Compactions > 0 || previousHadCompaction;
            (afterCompaction ? near : elsewhere).Merge(b.Latency);
            previousHadCompaction = b.Compactions > 0;
            rows.Add(new EtcdTimelineRow(start, b.Latency.Count, Ms(b.Latency.Percentile(0.5)), Ms(b.Latency.Percentile(0.99)),
                b.Compactions, b.Compactions == 0 ? null : Ms(b.CompactionNanosMax), b.CompactedRevision == 0 ? null : b.CompactedRevision)
            {
                Sample = samples.Of(b.Sample, b.Latency, bucket / 1e9, errors: true),
                CompactionSample = samples.Of(b.CompactionSample),
                Examples = b.Examples.Report(b.Latency.Percentile(0.5)),
            });
        }
        var compactions = rows.Sum(r => r.Compactions);
        string? why = compactions == 0
            ? "n/a: no compaction in the range. The apiserver's compactor runs every 5 minutes outside any request, so its trace is kept only when the apiserver's sampler keeps that root (at samplingRatePerMillion 100, about one in 10,000)."
            : elsewhere.Count == 0 ? "n/a: every bucket has or follows a compaction; choose a narrower bucket" : null;
        return new EtcdTimelineReport(bucket / 1_000_000_000, rows.Sum(r => r.Calls), compactions,
            why is null && near.Count > 0 ? Ms(near.Percentile(0.99)) : null, why is null ? Ms(elsewhere.Percentile(0.99)) : null, rows, why)
        {
            Sampling = SamplingSummary.Of("etcd calls", samples.Of(_all), rows.Select(r => r.Sample).ToList()),
        };
    }

    public static AnalysisTable Table(EtcdTimelineReport report)
    {
        var rows = report.Buckets.Select(b => (IReadOnlyList<string>)
        [
            Cli.Query.HumanText.Time(b.StartUnixNano), SampleText.Count(b.Sample), b.Calls == 0 ? "-" : SampleText.Percentile(b.Sample, "p50", b.P50Ms),
            b.Calls == 0 ? "-" : SampleText.Percentile(b.Sample, "p99", b.P99Ms), b.Compactions == 0 ? "" : SampleText.Count(b.CompactionSample), b.CompactionMaxMs is { } ms ? DurationMs(ms) : "", b.CompactedRevision is { } rev ? Count(rev) : "",
        ]).ToList();
        var notes = new List<string>
        {
            $"{Count(report.Calls)} etcd calls in {report.BucketSeconds / 60}-minute buckets, {Count(report.Compactions)} compactions (KV/Compact calls; the revision from etcd 3.7's compact span).",
            report.Unanswered ?? $"p99 in buckets with or right after a compaction: {DurationMs(report.P99NearCompactionMs ?? 0)}; elsewhere: {DurationMs(report.P99ElsewhereMs ?? 0)}.",
            "Each call measured once, as in etcd (the apiserver's client span, else etcd's server span); compaction calls are not in the latency; watch streams are left out.",
            PercentileNote,
        };
        return new AnalysisTable("etcd latency over time beside compactions",
            ["Bucket (UTC)", "Calls", "p50", "p99", "Compactions", "Compaction took", "Compacted to revision"], rows)
        {
            Notes = notes, Samples = report.Buckets.Select(b => b.Sample).ToList(), Sampling = report.Sampling, Examples = report.Buckets.Select(b => b.Examples).ToList(),
            Searches = report.Buckets.Select(b => EtcdBucketSearch.Of(b, report.BucketSeconds)).ToList(),
        };
    }

    private sealed class MinuteStats
    {
        public LatencySketch Latency { get; } = new();

        /// <summary>The sampled traces and calls behind <see cref="Latency"/>.</summary>
        public SampleTally Sample { get; } = new();

        /// <summary>The sampled traces and compaction calls behind <see cref="Compactions"/>.</summary>
        public SampleTally CompactionSample { get; } = new();

        /// <summary>The slowest and a typical call behind <see cref="Latency"/>.</summary>
        public ExampleTraces Examples { get; } = new();

        public long Compactions;
        public long CompactionNanosMax;
        public long CompactedRevision;

        public void Merge(MinuteStats other)
        {
            Latency.Merge(other.Latency);
            Sample.Merge(other.Sample);
            CompactionSample.Merge(other.CompactionSample);
            Examples.Merge(other.Examples);
            Compactions += other.Compactions;
            CompactionNanosMax = Math.Max(CompactionNanosMax, other.CompactionNanosMax);
            CompactedRevision = Math.Max(CompactedRevision, other.CompactedRevision);
        }
    }
}

/// <summary>What the <c>etcd-timeline</c> analysis found.</summary>
/// <param name="P99NearCompactionMs">p99 of the calls in buckets with or right after a compaction (null: not answerable, see <paramref name="Unanswered"/>).</param>
/// <param name="Unanswered">Why the comparison is n/a (no compaction in the range, …), or null.</param>
public sealed record EtcdTimelineReport(long BucketSeconds, long Calls, long Compactions, double? P99NearCompactionMs, double? P99ElsewhereMs,
    IReadOnlyList<EtcdTimelineRow> Buckets, string? Unanswered)
{
    /// <summary>How much of the cluster's traffic the answer rests on.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}

/// <summary>One time bucket.</summary>
public sealed record EtcdTimelineRow(long StartUnixNano, long Calls, double P50Ms, double P99Ms, long Compactions, double? CompactionMaxMs, long? CompactedRevision)
{
    /// <summary>The sampled traces and calls behind the bucket's latency, scaled (calls and rate); its percentiles' and error rate's bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The sampled traces and compaction calls behind <see cref="Compactions"/>, scaled.</summary>
    public RowSample CompactionSample { get; init; } = RowSample.None;

    /// <summary>The bucket's slowest and a typical call (compactions aside), each at the span it was measured on.</summary>
    public RowExamples? Examples { get; init; }
}
