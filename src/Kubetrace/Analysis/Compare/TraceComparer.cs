using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.Compare;

/// <summary>Matches the spans of two traces by <see cref="SpanPaths"/> and measures the latency change of each.</summary>
public static class TraceComparer
{
    /// <param name="samples">What each row rests on (trace A, B or both), at the request's rates; none known when null.</param>
    public static TraceComparison Compare(ScannedTrace a, ScannedTrace b, RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var (basisA, basisB) = (TraceSampling.RootBasisOf(a.Spans), TraceSampling.RootBasisOf(b.Spans));
        var (onlyA, onlyB, both) = (samples.OfTraces([basisA]), samples.OfTraces([basisB]), samples.OfTraces([basisA, basisB]));
        var treeA = new SpanTree(a.Spans);
        var treeB = new SpanTree(b.Spans);
        var pathsA = SpanPaths.Of(treeA);
        var pathsB = SpanPaths.Of(treeB);
        var spans = pathsA.Keys.Union(pathsB.Keys)
            .Select(path => (path, a: pathsA.GetValueOrDefault(path), b: pathsB.GetValueOrDefault(path)))
            .Select(p => Row(p.path, p.a, p.b, p.a is null ? onlyB : p.b is null ? onlyA : both))
            .OrderByDescending(s => Math.Abs(s.DifferenceNanos))
            .ThenBy(s => s.Path, StringComparer.Ordinal)
            .ToList();
        var notes = new List<string>();
        var rootA = treeA.MainRoot;
        var rootB = treeB.MainRoot;
        if (rootA is not null && rootB is not null && (rootA.Span.Service, rootA.Span.Name) != (rootB.Span.Service, rootB.Span.Name))
            notes.Add($"the traces start with different operations ({rootA.Span.Service} {rootA.Span.Name} vs {rootB.Span.Service} {rootB.Span.Name}): few spans can match");
        return new TraceComparison(a.TraceId.ToString(), b.TraceId.ToString(), Duration(a), Duration(b),
            spans.Count(s => s.DurationA is not null && s.DurationB is not null), spans,
            spans.Where(s => s.DurationB is null).ToList(), spans.Where(s => s.DurationA is null).ToList(), notes)
        {
            Sampling = SamplingSummary.Of(SamplingSummary.TracesUnit, both, spans.Select(s => s.Sample).ToList()),
        };
    }

    /// <summary>End-to-end: first start to last end over every span.</summary>
    private static long Duration(ScannedTrace trace) =>
        trace.Spans.Count == 0 ? 0 : trace.Spans.Max(s => s.EndUnixNano) - trace.Spans.Min(s => s.StartUnixNano);

    private static ComparedSpan Row(string path, SpanTree.Node? a, SpanTree.Node? b, RowSample sample)
    {
        var any = (a ?? b)!;
        long? durationA = a?.Span.DurationNanos, durationB = b?.Span.DurationNanos;
        return new ComparedSpan(path, any.Span.Service, any.Span.Name, any.Depth, durationA, durationB,
            (durationB ?? 0) - (durationA ?? 0), (b?.SelfNanos() ?? 0) - (a?.SelfNanos() ?? 0),
            a is null ? null : SpanTree.Hex(a.Span.SpanId), b is null ? null : SpanTree.Hex(b.Span.SpanId)) { Sample = sample };
    }
}
